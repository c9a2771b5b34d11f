"""The access review page in Chromium (issue 14): a privacy officer finds who read a patient's
case, with the chain's statement; other members do not see the page's link (axe and width checks)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.fixtures.browser import CHROMIUM, World, check_page, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="needs Debian's chromium (scripts/setup.sh --dev)")]


def test_a_privacy_officer_reviews_a_patients_access(world: World, new_page: Any, shots: Path) -> None:
    from playwright.sync_api import expect

    officer = world.person("Medical Coder", "Priya", "Officer")
    coder = world.person("Medical Coder", "Casey", "Coder")
    mrn = f"MRN-{secrets.token_hex(3)}"
    case = world.case(coder, mrn=mrn, operative_notes="note")
    with world.api(coder) as http:
        assert http.get(f"/cases/{case['id']}").status_code == 200
    with psycopg.connect(**world.server.superuser_conninfo(), autocommit=True) as conn:
        conn.execute("SET ROLE oxkair_owner")
        conn.execute("SELECT app.name_reviewer(%s, 'privacy_officer', %s)", [officer, world.institution])
    try:
        page = new_page()
        sign_in(page, world.base, coder)
        expect(page.get_by_role("link", name="Access review")).to_be_hidden()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")

        sign_in(page, world.base, officer)
        page.get_by_role("link", name="Access review").click()
        page.wait_for_url("**/app/audit")
        page.get_by_label("Patient (MRN)").fill(mrn)
        page.get_by_role("button", name="Run report").click()
        rows = page.locator("#entries tbody tr")
        expect(rows.first).to_contain_text("Created")
        expect(page.locator("#entries tbody tr", has_text="Read").first).to_contain_text(coder)
        expect(page.locator("#chain")).to_contain_text("Audit chain:")
        check_page(page, shots, "audit-report")
    finally:
        with psycopg.connect(**world.server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute("DELETE FROM app.designations WHERE institution_id = %s", [world.institution])
