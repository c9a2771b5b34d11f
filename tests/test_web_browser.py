"""The pages in headless Chromium (Debian's, driven by Playwright): signup → billing, edits never
lost, plain errors next to their fields, the settings a HIPAA app must offer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pyotp
import pytest

from tests.fixtures.api import PASSWORD
from tests.fixtures.browser import CHROMIUM, World, axe_violations, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="needs Debian's chromium (scripts/setup.sh --dev)")]

Page = Callable[..., Any]


def test_signup_to_billing_in_chromium(world: World, new_page: Page, shots: Path) -> None:
    from playwright.sync_api import expect

    base = world.base
    provider_email = world.person("Provider", "Dr. Pat", "Provider")
    coder_email = f"coder-new@{world.domain}"
    world.emails.append(coder_email)
    page = new_page()

    # Signup: search-as-you-type finds the institution; the email's domain suggests it too.
    page.goto(f"{base}/signup")
    page.get_by_label("Find your institution").fill(world.name.rsplit(" ", 2)[0].lower())
    expect(page.locator("#institution option")).to_have_count(1)
    page.get_by_label("Work email").fill(coder_email)
    page.get_by_label("Work email").press("Tab")
    expect(page.locator("#institution")).to_have_value(world.institution)
    expect(page.locator("#institution-suggestion")).to_contain_text("Suggested from your email")
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Coder")
    page.get_by_label("Medical coder").check()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#message")).to_contain_text("Check your email")

    # Email verification: the link from the outbox.
    page.goto(f"{base}/verify-email?token={world.outbox_token(coder_email)}")
    expect(page.locator("#message")).to_contain_text("verified")

    sign_in(page, base, coder_email)

    # Create a case, mark it ready, send it to the provider.
    page.get_by_text("New case").click()
    page.get_by_label("MRN", exact=True).fill("MRN-0001")
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
    page.get_by_role("button", name="Send to provider").click()
    expect(page.locator("#case-status")).to_have_text("Pending provider review")
    expect(page.locator("#case-provider")).to_have_text("Dr. Pat Provider")
    expect(page.locator("#act-none")).to_be_visible()

    # Settings: the dark theme is applied.
    page.goto(f"{base}/app/settings")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Dark").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")

    # The provider sees the case in their worklist and approves it.
    sign_in(page, base, provider_email)
    expect(page.locator("#cases tbody tr")).to_have_count(1)
    expect(page.locator("#cases tbody")).to_contain_text("MRN-0001")
    page.locator("#cases tbody a").first.click()
    page.wait_for_url(case_url)
    expect(page.locator("#case-status")).to_have_text("Pending provider review")
    page.get_by_role("button", name="Approve for billing").click()
    expect(page.locator("#case-status")).to_have_text("Pending billing")
    expect(page.locator("#operative_notes")).to_have_attribute("readonly", "")


def test_forgotten_password_to_sign_in_in_chromium(world: World, new_page: Page) -> None:
    from playwright.sync_api import expect

    base = world.base
    email = world.person("Provider")
    new_password = "a new and long passphrase 42"
    page = new_page()
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/recover")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.locator("#message")).to_contain_text("on its way")

    token = world.outbox_token(email, kind="reset")
    page.goto(f"{base}/reset-password?token={token}")
    page.get_by_label("New password (at least 12 characters)").fill(new_password)
    page.get_by_label("New password again").fill(new_password + "x")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator("#password2-error")).to_have_text("The two passwords differ.")
    expect(page.get_by_label("New password again")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("New password again").fill(new_password)
    expect(page.locator("#password2-error")).to_have_count(0)  # cleared once corrected
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator("#message")).to_contain_text("password is changed")

    # The link is single-use: a second reset with it is refused.
    page.goto(f"{base}/reset-password?token={token}")
    page.get_by_label("New password (at least 12 characters)").fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator("#message")).to_have_class(re.compile(r"\berror\b"))

    sign_in(page, base, email, new_password)


def test_edits_are_saved_before_a_workflow_action_and_leaving_asks(world: World, new_page: Page) -> None:
    from playwright.sync_api import expect

    coder = world.person()
    world.person("Provider")
    case = world.case(coder, mrn="MRN-EDIT")
    page = new_page()
    sign_in(page, world.base, coder)
    page.goto(f"{world.base}/app/cases/{case['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")

    # Typed, not saved, then a workflow button: the text is saved first, then the case moves.
    page.get_by_label("Operative notes").fill("Typed just before moving the case.")
    page.get_by_label("Billable notes (one per line)").fill("99213\n 27447 ")
    expect(page.locator("#unsaved")).to_have_text("You have unsaved changes.")
    page.get_by_role("button", name="Mark ready for coder review").click()
    expect(page.locator("#case-status")).to_have_text("Pending coder review")
    expect(page.locator("#message")).to_have_text("Saved. Status: Pending coder review.")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.get_by_label("Operative notes")).to_have_value("Typed just before moving the case.")
    expect(page.get_by_label("Billable notes (one per line)")).to_have_value("99213\n27447")

    # An edit the server refuses: the case does not move, the text stays, the reason is shown.
    page.get_by_label("Operative notes").fill("x" * 200_001)
    page.get_by_role("button", name="Send to provider").click()
    expect(page.locator("#message")).to_contain_text("could not be saved, so the case was not moved")
    expect(page.locator("#operative_notes-error")).to_have_text("Use at most 200000 characters.")
    expect(page.locator("#case-status")).to_have_text("Pending coder review")
    assert len(page.get_by_label("Operative notes").input_value()) == 200_001

    # Leaving with unsaved edits asks first.
    page.get_by_label("Operative notes").fill("Unsaved words.")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    with world.api(coder) as http:
        saved = http.get(f"/cases/{case['id']}").json()["operative_notes"]
    assert saved == "Typed just before moving the case."


def test_errors_are_plain_next_to_their_fields_and_cleared(world: World, new_page: Page) -> None:
    from playwright.sync_api import expect

    page = new_page()
    page.goto(f"{world.base}/signup")
    page.get_by_role("button", name="Create account").click()
    for field in ("email", "first_name", "last_name", "password"):
        box = page.locator(f"#{field}")
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field}-error")).to_have_text("This is required.")
        assert f"{field}-error" in (box.get_attribute("aria-describedby") or "")
    expect(page.locator("#institution-error")).to_contain_text("Choose your institution")
    assert page.locator("#password").get_attribute("aria-describedby") == "password-help password-error"
    page.get_by_label("Work email").fill("not an address")
    expect(page.locator("#email-error")).to_have_count(0)  # cleared as soon as it is edited
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#email-error")).to_have_text("Enter an email address, like name@example.org.")

    # The server's own refusals land next to their field too (the password policy).
    page.get_by_label("Find your institution").fill("browserton")
    page.locator("#institution option").first.wait_for()
    page.locator("#institution").select_option(index=0)
    page.get_by_label("Work email").fill(f"someone@{world.domain}")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Smith")
    page.get_by_label("Password").fill("password1234")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#password-error")).to_have_text("This password is too common; choose another.")
    expect(page.locator("#message")).to_have_text("Please correct the marked fields.")
    text = page.locator("main").inner_text()
    assert "String should" not in text and "/auth" not in text and "^" not in text
    page.get_by_label("Password").fill("a much better passphrase")
    expect(page.locator("#password")).not_to_have_attribute("aria-invalid", "true")
    assert not axe_violations(page)


def test_login_offers_a_new_verification_link_and_says_how_long_a_lockout_lasts(
    world: World, new_page: Page, server: Any
) -> None:
    from playwright.sync_api import expect

    unverified = world.person(verify=False)
    page = new_page()
    page.goto(f"{world.base}/login")
    page.get_by_label("Email").fill(unverified)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#message")).to_contain_text("not verified yet")
    expect(page.locator("#message")).not_to_contain_text("/auth")
    page.get_by_role("button", name="Send me a new verification link").click()
    expect(page.locator("#message")).to_contain_text("a new link is on its way")
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM auth.outbox WHERE to_address = %s"
                             " AND subject LIKE 'Verify%%'", [unverified]).fetchone()
    assert count == (2,)

    verified = world.person()
    page.get_by_label("Email").fill(verified)
    for _ in range(5):
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#message")).to_have_class(re.compile(r"\berror\b"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#message")).to_have_text(
        re.compile(r"Too many failed sign-in attempts; try again in \d+ seconds\."))


def test_settings_mfa_password_and_sessions(world: World, new_page: Page) -> None:
    from playwright.sync_api import expect

    email = world.person()
    laptop = new_page()
    sign_in(laptop, world.base, email)
    page = new_page()
    sign_in(page, world.base, email)
    page.goto(f"{world.base}/app/settings")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#profile-email-state")).to_have_text("Verified")
    expect(page.locator("#profile-membership")).to_have_text(f"Verified member of {world.name}")
    expect(page.locator("#resend-verification")).to_be_hidden()

    # Sessions: both listed, this one marked; the other signed out.
    expect(page.locator("#sessions tbody tr")).to_have_count(2)
    expect(page.locator("#sessions tbody")).to_contain_text("(this session)")
    page.get_by_role("button", name="Sign out all other sessions").click()
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    laptop.goto(f"{world.base}/app/worklist")
    laptop.wait_for_url("**/login")

    # Two-step verification: QR code and key, a code, then recovery codes shown once.
    expect(page.locator("#mfa-state")).to_contain_text("Off")
    page.get_by_role("button", name="Set up two-step verification").click()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    secret = page.locator("#mfa-secret").inner_text().replace(" ", "")
    page.get_by_label("6-digit code from the app").fill("000000" if pyotp.TOTP(secret).now() != "000000"
                                                        else "111111")
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator("#mfa-code-error")).to_contain_text("not right")
    page.get_by_label("6-digit code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator("#mfa-recovery-codes li")).to_have_count(10)
    recovery = page.locator("#mfa-recovery-codes li").first.inner_text()
    expect(page.locator("#mfa-state")).to_contain_text("On")
    page.get_by_role("button", name="I have saved them").click()
    expect(page.locator("#mfa-recovery-codes li")).to_have_count(0)

    # Password: the current one is checked, the two new ones must match, then it changes.
    page.get_by_label("Current password").fill("not my password at all")
    page.get_by_label("New password", exact=True).fill("another long passphrase 7")
    page.get_by_label("New password again").fill("another long passphrase 7")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#current_password-error")).to_have_text("The current password is not right.")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password again").fill("another long passphrase 8")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#new_password2-error")).to_have_text("The two new passwords differ.")
    page.get_by_label("New password again").fill("another long passphrase 7")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#message")).to_have_text("Password changed; no other session signed out.")

    # Signing in now takes the new password and the second factor (here a recovery code).
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("another long passphrase 7")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Or a recovery code").fill(recovery)
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url("**/app/worklist")


def test_worklist_sorts_filters_searches_and_pages(world: World, new_page: Page) -> None:
    from playwright.sync_api import expect

    coder = world.person()
    world.person("Provider", "Dr. Robin", "Reviewer")
    made = [world.case(coder, mrn=f"MRN-{i:03d}", insurance_provider="Aetna" if i % 2 else "Cigna",
                       date_of_service=f"2026-01-{i % 28 + 1:02d}T00:00:00Z") for i in range(30)]
    with world.api(coder) as http:
        for case in made[:3]:
            r = http.post(f"/cases/{case['id']}/transition", json={"to": "PENDING_CODER_REVIEW"})
            assert r.is_success, r.text
        provider_id = http.get("/providers").json()[0]["id"]
        r = http.post(f"/cases/{made[0]['id']}/transition",
                      json={"to": "PENDING_PROVIDER_REVIEW", "provider_user_id": provider_id})
        assert r.is_success, r.text
    page = new_page()
    sign_in(page, world.base, coder)
    rows = page.locator("#cases tbody tr")
    expect(rows).to_have_count(25)
    expect(page.locator("#counts")).to_have_text(
        "30 cases: 27 incomplete, 2 pending coder review, 1 pending provider review.")
    page.get_by_role("button", name="Show more").click()
    expect(rows).to_have_count(30)
    expect(page.get_by_role("button", name="Show more")).to_be_hidden()
    # The columns, the provider's name among them.
    expect(page.locator("#cases thead")).to_have_text(re.compile(
        "Case number.*MRN.*Date of service.*Insurance.*Status.*Provider.*Updated", re.S))
    expect(page.locator("#cases tbody")).to_contain_text("Dr. Robin Reviewer")

    # Filter by status: no button, the list follows the choice.
    page.get_by_label("Status").select_option("PENDING_CODER_REVIEW")
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Status").locator("option:checked")).to_have_text("Pending coder review (2)")
    page.get_by_label("Status").select_option("")
    expect(rows).to_have_count(25)

    # Sort by a column (header button, aria-sort), then the other way.
    page.get_by_role("button", name="MRN").click()
    expect(page.locator("th[data-sort=mrn]")).to_have_attribute("aria-sort", "ascending")
    expect(rows.first.locator("td").nth(1)).to_have_text("MRN-000")
    page.get_by_role("button", name="MRN").click()
    expect(page.locator("th[data-sort=mrn]")).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("td").nth(1)).to_have_text("MRN-029")
    page.get_by_role("button", name="Show more").click()
    expect(rows).to_have_count(30)
    expect(rows.last.locator("td").nth(1)).to_have_text("MRN-000")

    # Search by MRN or case number; the view survives a visit to a case and back.
    page.get_by_label("Search by case number or MRN").fill("mrn-01")
    expect(rows).to_have_count(10)
    expect(page.locator("#counts")).to_contain_text("10 cases found")
    page.get_by_label("Search by case number or MRN").fill(made[7]["case_number"])
    expect(rows).to_have_count(1)
    rows.first.locator("a").click()
    page.wait_for_url(f"**/app/cases/{made[7]['id']}")
    page.go_back()
    expect(page.get_by_label("Search by case number or MRN")).to_have_value(made[7]["case_number"])
    expect(rows).to_have_count(1)


def test_case_page_shows_what_a_coder_and_a_provider_need(world: World, new_page: Page) -> None:
    from playwright.sync_api import expect

    coder = world.person()
    provider = world.person("Provider", "Dr. Sam", "Surgeon")
    case = world.case(coder, mrn="MRN-777", insurance_provider="Blue Cross",
                      date_of_service="2026-02-14T00:00:00Z",
                      billable_notes=["99213", "27447"], operative_notes="Knee arthroplasty.",
                      panel_data={"codes": [{"code": "27447", "units": 1}]},
                      ai_raw_output={"model": "x", "suggestions": ["27447", "99213"]})
    page = new_page()
    sign_in(page, world.base, coder)

    # Creating a case asks for the MRN at least.
    page.get_by_text("New case").click()
    page.get_by_role("button", name="Create case").click()
    expect(page.locator("#mrn-error")).to_have_text("Enter the patient's MRN: a case needs at least that.")
    expect(page).to_have_url(re.compile(r"/app/worklist$"))

    page.goto(f"{world.base}/app/cases/{case['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("h1")).to_have_text(f"Case {case['case_number']}")
    expect(page.get_by_label("MRN")).to_have_value("MRN-777")
    expect(page.get_by_label("Date of service")).to_have_value("2026-02-14")
    expect(page.get_by_label("Insurance")).to_have_value("Blue Cross")
    expect(page.get_by_label("Billable notes (one per line)")).to_have_value("99213\n27447")
    expect(page.locator("#case-provider")).to_have_text("Not yet assigned")
    # JSON fields: collapsed, then pretty-printed.
    panel = page.locator("#panel_data-json")
    expect(panel).to_be_hidden()
    page.get_by_text("Panel data").click()
    expect(panel).to_be_visible()
    assert '"codes": [\n    {\n      "code": "27447",' in panel.inner_text()
    expect(page.locator("#summary_data-size")).to_have_text("(none)")
    expect(page.locator("#history li")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("Casey Coder created the case.")

    # The coder edits the date of service, marks it ready, sends it: history tells each step.
    page.get_by_label("Date of service").fill("2026-02-15")
    page.get_by_role("button", name="Mark ready for coder review").click()
    expect(page.locator("#case-status")).to_have_text("Pending coder review")
    page.get_by_role("button", name="Send to provider").click()
    expect(page.locator("#case-provider")).to_have_text("Dr. Sam Surgeon")
    expect(page.locator("#history li")).to_have_count(4)
    expect(page.locator("#history li").first).to_contain_text("Casey Coder sent the case to Dr. Sam Surgeon")
    expect(page.locator("#history li").nth(2)).to_contain_text("Casey Coder edited date of service.")
    # Now read-only for the coder.
    expect(page.get_by_label("Operative notes")).to_have_attribute("readonly", "")
    expect(page.get_by_label("MRN")).to_have_attribute("readonly", "")
    expect(page.locator("#read-only-note")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_hidden()

    # The provider may edit while reviewing; approving saves first.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")  # the page goes there itself: a goto now would race it
    sign_in(page, world.base, provider)
    page.goto(f"{world.base}/app/cases/{case['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Billable notes (one per line)").fill("99213\n27447\n20610")
    page.get_by_role("button", name="Approve for billing").click()
    expect(page.locator("#case-status")).to_have_text("Pending billing")
    expect(page.get_by_label("Billable notes (one per line)")).to_have_value("99213\n27447\n20610")
    expect(page.locator("#history li").first).to_contain_text(
        "Dr. Sam Surgeon moved the case from Pending provider review to Pending billing.")


def test_every_page_at_desktop_and_phone_width(world: World, new_page: Page, shots: Path) -> None:
    """axe-core finds no serious or critical violation on any page; at 390 px nothing scrolls
    sideways and the header stays on at most two lines. The screenshots are for reviewers."""
    from playwright.sync_api import expect

    from tests.fixtures.browser import check_page

    coder = world.person()
    world.person("Provider", "Dr. Lee", "Attending")
    for i in range(6):
        world.case(coder, mrn=f"MRN-{4100 + i}", insurance_provider="UnitedHealthcare Community Plan",
                   date_of_service=f"2026-03-{i + 1:02d}T00:00:00Z", billable_notes=["99213"])
    case = world.case(coder, mrn="MRN-4200-WITH-A-LONG-IDENTIFIER", insurance_provider="Medicare Part B",
                      operative_notes="Right knee total arthroplasty. " * 20,
                      summary_data={"diagnoses": ["M17.11"], "procedures": ["27447"]},
                      ai_raw_output={"model": "coder-assist", "text": "x" * 400})
    page = new_page()
    for path, name in [("/signup", "signup"), ("/login", "login"), ("/verify-email", "verify-email"),
                       ("/recover", "recover"), ("/reset-password", "reset-password"),
                       ("/nope", "not-found"), ("/app/cases/not-a-case", "not-found-case")]:
        page.goto(f"{world.base}{path}")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        check_page(page, shots, name)
    page.goto(f"{world.base}/signup")
    page.get_by_role("button", name="Create account").click()  # the page with its field errors
    check_page(page, shots, "signup-errors")

    sign_in(page, world.base, coder)
    page.get_by_text("New case").click()
    check_page(page, shots, "worklist")
    page.goto(f"{world.base}/app/cases/{case['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_text("Summary").click()
    page.get_by_text("AI output (raw)").click()
    check_page(page, shots, "case")
    page.goto(f"{world.base}/app/settings")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    check_page(page, shots, "settings")
    page.get_by_role("button", name="Set up two-step verification").click()
    check_page(page, shots, "settings-mfa")
    page.get_by_label("Dark").check()
    page.get_by_role("button", name="Save settings").click()
    page.goto(f"{world.base}/app/worklist")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    check_page(page, shots, "worklist-dark")


def test_signup_suggestion_is_posted_once_and_not_pinned(world: World, new_page: Page, server: Any) -> None:
    from playwright.sync_api import expect

    from tests.fixtures.cases import new_institution

    other = new_institution(server, f"Zanzibar Valley {world.domain[8:14]} Clinic", f"other-{world.domain}")
    try:
        page = new_page()
        asked: list[tuple[str, str]] = []
        page.on("request", lambda r: asked.append((r.method, r.url)) if "/institutions/" in r.url else None)
        page.goto(f"{world.base}/signup")
        email = f"casey@{world.domain}"
        page.get_by_label("Work email").fill(email)
        page.get_by_label("Work email").press("Tab")  # change, then blur: asked once
        expect(page.locator("#institution")).to_have_value(world.institution)
        page.get_by_label("First name").click()
        page.get_by_label("Work email").click()
        page.get_by_label("Work email").press("Tab")  # nothing changed: not asked again
        page.wait_for_timeout(300)
        suggests = [(m, u) for m, u in asked if "/suggest" in u]
        assert suggests == [("POST", f"{world.base}/institutions/suggest")], suggests
        assert not any(email.split("@")[0] in u or "%40" in u for _, u in asked)

        # Searching for another institution replaces the suggestion: it is not pinned.
        page.get_by_label("Find your institution").fill(f"zanzibar valley {world.domain[8:14]}")
        expect(page.locator("#institution option")).to_have_count(1)
        expect(page.locator("#institution option")).to_have_text(re.compile("Zanzibar Valley"))
        expect(page.locator("#institution")).to_have_value(other)
        expect(page.locator("#institution-suggestion")).to_have_text("")
    finally:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute("DELETE FROM public.institutions WHERE id = %s", [other])


def test_signup_search_typed_fast_keeps_one_request_in_flight_and_waits_out_a_429(
    world: World, new_page: Page
) -> None:
    """The signup search shares a per-IP budget: typing fast must not spend it. The search
    requests are held here (page.route) so the test decides when each one answers."""
    from urllib.parse import parse_qs, urlparse

    from playwright.sync_api import expect

    page = new_page()
    held: list[Any] = []
    page.route("**/institutions/search?**", lambda route: held.append(route))
    asked = lambda: [parse_qs(urlparse(r.request.url).query)["q"][0] for r in held]  # noqa: E731
    page.goto(f"{world.base}/signup")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    search = page.get_by_label("Find your institution")
    word = world.name.split()[0].lower()  # "browserton"

    # Fast typing (30 ms a key) asks nothing until a pause, then once, for the whole text.
    search.press_sequentially(word[:5], delay=30)
    page.wait_for_timeout(120)
    assert asked() == []
    page.wait_for_timeout(400)
    assert asked() == [word[:5]]

    # While that request is in flight, more typing and pauses ask nothing new ...
    search.press_sequentially(word[5:], delay=30)
    page.wait_for_timeout(600)
    search.press_sequentially(" " + world.name.split()[1], delay=30)
    page.wait_for_timeout(600)
    assert asked() == [word[:5]]
    # ... and when it ends, only the newest text is asked (the old answer is not shown).
    held[0].fulfill(status=200, content_type="application/json", body='{"items": []}')
    full = f"{word} {world.name.split()[1]}"
    page.wait_for_timeout(400)
    assert asked() == [word[:5], full]
    expect(page.locator("#institution-count")).to_have_text("")

    # A 429: a calm message, nothing asked until Retry-After has passed, then the newest text.
    held[1].fulfill(status=429, headers={"Retry-After": "2"}, content_type="application/problem+json",
                    body='{"title": "Too Many Requests", "status": 429, '
                         '"detail": "too many searches from this address; slow down"}')
    expect(page.locator("#institution-count")).to_have_text(re.compile(r"searching again in 2 s"))
    expect(page.locator("#message")).to_have_text("")
    search.press_sequentially(" Medical", delay=30)
    page.wait_for_timeout(1200)  # past the typing pause, within Retry-After
    assert len(held) == 2
    page.wait_for_timeout(1300)
    assert asked() == [word[:5], full, f"{full} Medical"]
    held[2].continue_()  # the real server answers this one
    expect(page.locator("#institution option")).to_have_count(1)
    expect(page.locator("#institution")).to_have_value(world.institution)
    expect(page.locator("#institution-count")).to_have_text("1 found")
    assert len(held) == 3
