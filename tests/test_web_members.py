"""The members page in Chromium: an applicant is told why they see nothing; their institution's
administrator approves them on /app/members, and then they do (issue 12)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.fixtures.api import PASSWORD
from tests.fixtures.browser import CHROMIUM, World, check_page, sign_in
from tests.fixtures.cases import purge

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="needs Debian's chromium (scripts/setup.sh --dev)")]


def _applicant(world: World) -> str:
    """A Provider of the world's institution whose address is not in its domains: waiting."""
    email = f"applicant-{secrets.token_hex(3)}@elsewhere-{secrets.token_hex(3)}.example"
    with httpx.Client(base_url=world.base) as http:
        r = http.post("/auth/signup", json={
            "email": email, "password": PASSWORD, "first_name": "Robin", "last_name": "Provider",
            "user_category": "Provider", "institution_id": world.institution})
        assert r.status_code == 202, r.text
        assert http.post("/auth/verify-email",
                         json={"token": world.outbox_token(email)}).status_code == 200
    return email


def _status(world: World, email: str) -> Any:
    with psycopg.connect(**world.server.superuser_conninfo()) as conn:
        return conn.execute("SELECT p.verification_status FROM public.profiles p JOIN auth.users u"
                            " ON u.id = p.id WHERE u.email = %s", [email]).fetchone()


def test_an_administrator_approves_an_applicant_on_the_members_page(
        world: World, new_page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    admin = world.person("Medical Coder", "Alex", "Admin")
    applicant = _applicant(world)
    with psycopg.connect(**world.server.superuser_conninfo(), autocommit=True) as conn:
        conn.execute("SET ROLE oxkair_owner")
        conn.execute("SELECT app.name_institution_admin(%s, %s)", [admin, world.institution])
    try:
        page = new_page()
        sign_in(page, world.base, applicant)
        notice = page.locator("#membership")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("waiting for approval")
        expect(page.get_by_role("link", name="Members")).to_be_hidden()
        check_page(page, shots, "membership-pending")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")

        sign_in(page, world.base, admin)
        page.get_by_role("link", name="Members").click()
        page.wait_for_url("**/app/members")
        row = page.locator("#members tbody tr", has_text=applicant)
        expect(row).to_contain_text("Waiting for approval")
        check_page(page, shots, "members")
        row.get_by_role("button", name="Approve").click()
        expect(page.locator("#message")).to_contain_text("is now a verified member")
        page.get_by_label("Show").select_option("verified")
        expect(page.locator("#members tbody tr", has_text=applicant)).to_contain_text("Verified member")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")

        sign_in(page, world.base, applicant)
        expect(page.locator("#membership")).to_be_hidden()
        assert _status(world, applicant) == ("verified",)
    finally:
        with psycopg.connect(**world.server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute("DELETE FROM app.designations WHERE institution_id = %s", [world.institution])
            ids = [str(r[0]) for r in conn.execute("SELECT id FROM auth.users WHERE email = %s", [applicant])]
        purge(world.server, ids, [])  # not in the world's domain, so not removed with it
