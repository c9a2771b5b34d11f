"""The members page in Chromium: an applicant is told why they see nothing; their institution's
administrator approves them on /app/members, and then they do (issue 12)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from oxkair.local import LocalServer
from tests.fixtures.api import PASSWORD, outbox_token
from tests.fixtures.cases import new_institution, purge
from tests.test_web_browser import ARGS, CHROMIUM, live_url, shots  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="needs Debian's chromium (scripts/setup.sh --dev)")]


def _sign_up(base: str, server: LocalServer, institution: str, email: str, category: str) -> str:
    with httpx.Client(base_url=base) as http:
        r = http.post("/auth/signup", json={
            "email": email, "password": PASSWORD, "first_name": "Robin", "last_name": category.split()[-1],
            "user_category": category, "institution_id": institution})
        assert r.status_code == 202, r.text
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            token = outbox_token(conn, email)
            assert http.post("/auth/verify-email", json={"token": token}).status_code == 200
            row = conn.execute("SELECT id FROM auth.users WHERE email = %s", [email]).fetchone()
    assert row
    return str(row[0])


def test_an_administrator_approves_an_applicant_on_the_members_page(live_url: str,  # noqa: F811
                                                                      server: LocalServer,
                                                                      shots: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    tag = secrets.token_hex(3)
    domain = f"members-{tag}.example"
    institution = new_institution(server, f"Memberton {tag} Clinic", domain)
    admin_email, applicant_email = f"admin-{tag}@{domain}", f"applicant-{tag}@gmail-{tag}.example"
    users = [_sign_up(live_url, server, institution, admin_email, "Medical Coder"),
             _sign_up(live_url, server, institution, applicant_email, "Provider")]
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        conn.execute("SET ROLE oxkair_owner")
        conn.execute("SELECT app.name_institution_admin(%s, %s)", [admin_email, institution])
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.set_default_timeout(15_000)

            def sign_in(email: str) -> None:
                page.goto(f"{live_url}/login")
                page.get_by_label("Email").fill(email)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url("**/app/worklist")
                page.wait_for_selector("body[data-ready=true]")

            sign_in(applicant_email)
            notice = page.locator("#membership")
            expect(notice).to_be_visible()
            expect(notice).to_contain_text("waiting for approval")
            expect(page.locator("#nav-members")).to_be_hidden()
            page.screenshot(path=str(shots / "membership-pending.png"), full_page=True)
            page.get_by_role("button", name="Sign out").click()
            page.wait_for_url("**/login")

            sign_in(admin_email)
            page.get_by_role("link", name="Members").click()
            page.wait_for_url("**/app/members")
            row = page.locator("#members tbody tr", has_text=applicant_email)
            expect(row).to_contain_text("Waiting for approval")
            page.screenshot(path=str(shots / "members.png"), full_page=True)
            row.get_by_role("button", name="Approve").click()
            expect(page.locator("#message")).to_contain_text("is now a verified member")
            page.get_by_label("Show").select_option("verified")
            approved = page.locator("#members tbody tr", has_text=applicant_email)
            expect(approved).to_contain_text("Verified member")
            page.get_by_role("button", name="Sign out").click()
            page.wait_for_url("**/login")

            sign_in(applicant_email)
            expect(page.locator("#membership")).to_be_hidden()
            browser.close()
        with psycopg.connect(**server.superuser_conninfo()) as conn:
            row_: Any = conn.execute("SELECT verification_status FROM public.profiles WHERE id = %s",
                                     [users[1]]).fetchone()
        assert row_ == ("verified",)
    finally:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute("DELETE FROM app.designations WHERE user_id = ANY(%s::uuid[])", [users])
        purge(server, users, [institution])
