"""The pages in headless Chromium (Debian's, driven by Playwright): signup → billing, with screenshots."""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn

from oxkair.api import create_app
from oxkair.config import Settings
from oxkair.local import LocalServer
from tests.fixtures.api import PASSWORD, outbox_token
from tests.fixtures.cases import new_institution, purge
from tests.fixtures.serve import free_port

CHROMIUM = os.environ.get("OXKAIR_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="needs Debian's chromium (scripts/setup.sh --dev)")]


@pytest.fixture()
def live_url(api_pool: Any, api_settings: Settings) -> Iterator[str]:
    """The app on uvicorn in a background thread, against the test's embedded server."""
    port = free_port()
    app = create_app(api_settings, pool=api_pool)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(os.environ.get("OXKAIR_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _provider_via_api(base: str, server: LocalServer, institution: str, domain: str) -> str:
    """A Provider of the institution, signed up and verified through the API; returns the email."""
    email = f"provider-{secrets.token_hex(3)}@{domain}"
    with httpx.Client(base_url=base) as http:
        r = http.post("/auth/signup", json={
            "email": email, "password": PASSWORD, "first_name": "Dr. Pat", "last_name": "Provider",
            "user_category": "Provider", "institution_id": institution,
        })
        assert r.status_code == 202, r.text
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            token = outbox_token(conn, email)
        assert http.post("/auth/verify-email", json={"token": token}).status_code == 200
    return email


def test_signup_to_billing_in_chromium(live_url: str, server: LocalServer, shots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    tag = secrets.token_hex(3)
    domain = f"browser-{tag}.example"
    institution = new_institution(server, f"Browserton {tag} Medical Center", domain)
    provider_email = _provider_via_api(live_url, server, institution, domain)
    coder_email = f"coder-{tag}@{domain}"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        page.set_default_timeout(15_000)

        # Signup: the email's domain pre-selects the institution; search-as-you-type finds it too.
        page.goto(f"{live_url}/signup")
        page.get_by_label("Find your institution").fill(f"browserton {tag}")
        expect(page.locator("#institution option")).to_have_count(1)
        page.get_by_label("Work email").fill(coder_email)
        page.get_by_label("Work email").press("Tab")
        expect(page.locator("#institution")).to_have_value(institution)
        page.get_by_label("First name").fill("Casey")
        page.get_by_label("Last name").fill("Coder")
        page.get_by_label("Medical coder").check()
        page.get_by_label("Password").fill(PASSWORD)
        page.screenshot(path=shots / "01-signup.png")
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("#message")).to_contain_text("check your email")

        # Email verification: the link from the outbox.
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            token = outbox_token(conn, coder_email)
        page.goto(f"{live_url}/verify-email?token={token}")
        expect(page.locator("#message")).to_contain_text("verified")

        def sign_in(email: str) -> None:
            page.goto(f"{live_url}/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.keyboard.press("Enter")  # keyboard-only submit
            page.wait_for_url("**/app/worklist")
            expect(page.locator("body")).to_have_attribute("data-ready", "true")

        sign_in(coder_email)
        page.screenshot(path=shots / "02-worklist-empty.png")

        # Create a case, mark it ready, send it to the provider.
        page.get_by_label("MRN").fill(f"MRN-{tag}")
        page.get_by_label("Operative notes").fill("Laparoscopic appendectomy.")
        page.get_by_role("button", name="Create case").click()
        page.wait_for_url("**/app/cases/*")
        expect(page.locator("#case-status")).to_have_text("Incomplete")
        case_url = page.url
        page.get_by_role("button", name="Mark ready for coder review").click()
        expect(page.locator("#case-status")).to_have_text("Pending coder review")
        picker = page.get_by_label("Send to provider")
        expect(picker.locator("option")).to_have_count(1)
        expect(picker.locator("option")).to_have_text("Dr. Pat Provider")
        page.screenshot(path=shots / "03-case-send.png")
        page.get_by_role("button", name="Send to provider").click()
        expect(page.locator("#case-status")).to_have_text("Pending provider review")
        expect(page.locator("#act-none")).to_be_visible()

        # Settings: the dark theme is applied.
        page.goto(f"{live_url}/app/settings")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        page.get_by_label("Dark").check()
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        page.screenshot(path=shots / "04-settings-dark.png")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login")

        # The provider sees the case in their worklist and approves it.
        sign_in(provider_email)
        expect(page.locator("#cases tbody tr")).to_have_count(1)
        expect(page.locator("#cases tbody")).to_contain_text(f"MRN-{tag}")
        page.screenshot(path=shots / "05-provider-worklist.png")
        page.locator("#cases tbody a").first.click()
        page.wait_for_url(case_url)
        expect(page.locator("#case-status")).to_have_text("Pending provider review")
        page.get_by_role("button", name="Approve for billing").click()
        expect(page.locator("#case-status")).to_have_text("Pending billing")
        page.screenshot(path=shots / "06-billing.png")
        browser.close()

    assert {f"0{i}" for i in range(1, 7)} <= {shot.name[:2] for shot in shots.glob("*.png")}
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        users = [str(r[0]) for r in conn.execute(
            "SELECT id FROM auth.users WHERE lower(email) = ANY(%s)", [[coder_email, provider_email]])]
    purge(server, users, [institution])


def test_forgotten_password_to_sign_in_in_chromium(live_url: str, server: LocalServer, shots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    tag = secrets.token_hex(3)
    domain = f"recover-{tag}.example"
    institution = new_institution(server, f"Recoverton {tag} Clinic", domain)
    email = _provider_via_api(live_url, server, institution, domain)
    new_password = f"a new and long passphrase {tag}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{live_url}/login")
            page.get_by_role("link", name="Forgot your password?").click()
            page.wait_for_url("**/recover")
            page.get_by_label("Email").fill(email)
            page.get_by_role("button", name="Email me a reset link").click()
            expect(page.locator("#message")).to_contain_text("on its way")

            with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
                token = outbox_token(conn, email, kind="reset")
            page.goto(f"{live_url}/reset-password?token={token}")
            page.get_by_label("New password (at least 12 characters)").fill(new_password)
            page.get_by_label("New password again").fill(new_password + "x")
            page.get_by_role("button", name="Set the new password").click()
            expect(page.locator("#message")).to_contain_text("differ")
            page.get_by_label("New password again").fill(new_password)
            page.get_by_role("button", name="Set the new password").click()
            expect(page.locator("#message")).to_contain_text("password is changed")
            page.screenshot(path=shots / "07-password-reset.png")

            # The link is single-use: a second reset with it is refused.
            page.goto(f"{live_url}/reset-password?token={token}")
            page.get_by_label("New password (at least 12 characters)").fill(new_password)
            page.get_by_label("New password again").fill(new_password)
            page.get_by_role("button", name="Set the new password").click()
            expect(page.locator("#message")).to_have_class(re.compile(r"\berror\b"))

            page.goto(f"{live_url}/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(new_password)
            page.keyboard.press("Enter")
            page.wait_for_url("**/app/worklist")
            browser.close()
    finally:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            users = [str(r[0]) for r in conn.execute(
                "SELECT id FROM auth.users WHERE lower(email) = lower(%s)", [email])]
        purge(server, users, [institution])
