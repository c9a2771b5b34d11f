"""Unsaved edits on the case page are never lost (issue 15's must-fix): a workflow button saves
them first, and leaving the page with edits asks first. In Chromium."""

from __future__ import annotations

import secrets
from pathlib import Path

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


def test_a_workflow_button_saves_the_edits_first_and_leaving_asks(live_url: str,  # noqa: F811
                                                                   server: LocalServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    tag = secrets.token_hex(3)
    domain = f"unsaved-{tag}.example"
    institution = new_institution(server, f"Unsaved {tag} Hospital", domain)
    email = f"coder-{tag}@{domain}"
    with httpx.Client(base_url=live_url) as http:
        assert http.post("/auth/signup", json={
            "email": email, "password": PASSWORD, "first_name": "Casey", "last_name": "Coder",
            "user_category": "Medical Coder", "institution_id": institution}).status_code == 202
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            verified = http.post("/auth/verify-email", json={"token": outbox_token(conn, email)})
        assert verified.status_code == 200
        token = http.post("/auth/token", json={"email": email, "password": PASSWORD}).json()["access_token"]
        case = http.post("/cases", json={"mrn": f"MRN-{tag}"},
                         headers={"Authorization": f"Bearer {token}"}).json()
    user_id = case["user_id"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{live_url}/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/app/worklist")
            page.goto(f"{live_url}/app/cases/{case['id']}")
            expect(page.locator("body")).to_have_attribute("data-ready", "true")

            # Typed, not saved, then the workflow button: the text is saved with the move.
            page.get_by_label("Operative notes").fill("Laparoscopic cholecystectomy, typed not saved.")
            page.get_by_role("button", name="Mark ready for coder review").click()
            expect(page.locator("#message")).to_contain_text("Your edits were saved")
            expect(page.locator("#case-status")).to_have_text("Pending coder review")
            page.reload()
            expect(page.locator("body")).to_have_attribute("data-ready", "true")
            expect(page.get_by_label("Operative notes")).to_have_value(
                "Laparoscopic cholecystectomy, typed not saved.")

            # Unsaved edits and leaving: the page cancels beforeunload, so the browser asks first.
            # (Headless Chromium shows no beforeunload dialog to Playwright, so the event the
            # browser would fire is dispatched here and its answer read.)
            leaving = ("() => { const e = new Event('beforeunload', {cancelable: true});"
                       " window.dispatchEvent(e); return e.defaultPrevented; }")
            assert page.evaluate(leaving) is False  # everything saved: leave freely
            page.get_by_label("Progress notes").fill("not saved yet")
            assert page.evaluate(leaving) is True
            page.get_by_role("button", name="Save notes").click()
            expect(page.locator("#message")).to_have_text("Saved.")
            assert page.evaluate(leaving) is False
            browser.close()
    finally:
        purge(server, [user_id], [institution])
