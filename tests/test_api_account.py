"""The settings page's endpoints: password change, active sessions, signing the others out; plain
per-field errors and lockout waits. Each tried from the attacker's side as well."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.fixtures.api import PASSWORD, Account, audit_actions, signup_body, unique_email
from tests.fixtures.db import acting_as

NEW_PASSWORD = "a brand new long passphrase"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sign_in(c: TestClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    r = c.post("/auth/token", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# ── password change
def test_password_change_keeps_this_session_and_ends_the_others(
    client: TestClient, make_account: Callable[..., Account], superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    other = _sign_in(client, account.email)  # e.g. a forgotten laptop
    r = client.post("/auth/password", headers=account.auth,
                    json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "password changed; 1 other session signed out"
    # This session goes on; the other one is over (its refresh token and its access token).
    assert client.get("/me/profile", headers=account.auth).status_code == 200
    refreshed = client.post("/auth/token/refresh", json={"refresh_token": other["refresh_token"]})
    assert refreshed.status_code == 401
    assert client.get("/me/profile", headers=_bearer(other["access_token"])).status_code == 401
    # The old password no longer signs in; the new one does.
    assert client.post("/auth/token", json={"email": account.email, "password": PASSWORD}).status_code == 401
    _sign_in(client, account.email, NEW_PASSWORD)
    assert "AUTH_PASSWORD_CHANGED" in audit_actions(superuser, account.id)
    assert NEW_PASSWORD not in r.text


def test_password_change_needs_the_current_password_and_counts_wrong_ones(
    make_client: Callable[..., TestClient], make_account: Callable[..., Account]
) -> None:
    c = make_client(oxkair_lockout_threshold=3, oxkair_lockout_base_seconds=120)
    account = make_account(via=c)
    for _ in range(3):
        r = c.post("/auth/password", headers=account.auth,
                   json={"current_password": "a guess at the password", "new_password": NEW_PASSWORD})
        assert r.status_code == 403
        assert r.json()["errors"] == [{"loc": ["body", "current_password"], "field": "current_password",
                                       "msg": "The current password is not right.", "type": "value_error"}]
    # A stolen token is no way around the lockout: now even the right password waits, and says how long.
    r = c.post("/auth/password", headers=account.auth,
               json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 429 and r.json()["code"] == "locked"
    assert r.json()["detail"] == "too many wrong passwords; try again in 2 minutes"
    assert 110 <= r.json()["retry_after"] <= 120
    # The sign-in lockout is the same one.
    r = c.post("/auth/token", json={"email": account.email, "password": PASSWORD})
    assert r.status_code == 429 and "try again in 2 minutes" in r.json()["detail"]


def test_password_change_applies_the_policy_to_the_new_password(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account()
    for new, why in [("short", "at least 12"), ("password1234", "too common"), (PASSWORD, "different")]:
        r = client.post("/auth/password", headers=account.auth,
                        json={"current_password": PASSWORD, "new_password": new})
        assert r.status_code == 422, new
        (error,) = r.json()["errors"]
        assert error["field"] == "new_password" and why in error["msg"]
        assert new not in r.text


@pytest.mark.parametrize("token", [None, "not.a.jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
def test_password_change_and_sessions_need_a_valid_token(client: TestClient, token: str | None) -> None:
    headers = _bearer(token) if token else {}
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert client.post("/auth/password", headers=headers, json=body).status_code == 401
    assert client.get("/auth/sessions", headers=headers).status_code == 401
    assert client.post("/auth/logout?scope=others", headers=headers).status_code == 401


def test_a_signed_out_token_cannot_change_the_password(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account()
    assert client.post("/auth/logout", headers=account.auth).status_code == 204
    r = client.post("/auth/password", headers=account.auth,
                    json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 401


# ── sessions
def test_sessions_lists_only_ones_own_and_signing_out_others_spares_this_one(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    alice, bob = make_account(), make_account()
    alice_laptop = _sign_in(client, alice.email)
    r = client.get("/auth/sessions", headers=alice.auth)
    assert r.status_code == 200
    items = r.json()["items"]
    assert len(items) == 2 and sum(s["current"] for s in items) == 1
    assert set(items[0]) == {"id", "created_at", "last_seen_at", "aal", "client_addr", "user_agent",
                             "current"}
    bob_sessions = {s["id"] for s in client.get("/auth/sessions", headers=bob.auth).json()["items"]}
    assert bob_sessions.isdisjoint({s["id"] for s in items})

    assert client.post("/auth/logout?scope=others", headers=alice.auth).status_code == 204
    assert [s["current"] for s in client.get("/auth/sessions", headers=alice.auth).json()["items"]] == [True]
    r = client.post("/auth/token/refresh", json={"refresh_token": alice_laptop["refresh_token"]})
    assert r.status_code == 401
    # Bob, in another account, is untouched.
    assert client.get("/me/profile", headers=bob.auth).status_code == 200
    assert client.post("/auth/token/refresh", json={"refresh_token": bob.refresh_token}).status_code == 200


# ── the functions behind them, as the real roles
def test_account_functions_act_on_the_caller_only(
    make_account: Callable[..., Account], su: psycopg.Connection[Any]
) -> None:
    # su after make_account: its transaction (holding an audit lane's head, from logout_others)
    # is rolled back before the accounts' institution is removed, which writes to the trail too.
    alice, bob = make_account(), make_account()
    hashes = dict(su.execute("SELECT id::text, password_hash FROM auth.users WHERE id = ANY(%s::uuid[])",
                             [[alice.id, bob.id]]).fetchall())
    alice_sessions = {r[0] for r in su.execute("SELECT id FROM auth.sessions WHERE user_id = %s", [alice.id])}
    claims = {"sub": alice.id, "role": "authenticated", "session_id": str(next(iter(alice_sessions)))}
    with acting_as(su, alice.id, claims):
        # Bob's hash in Alice's call changes nobody's password: the user is the session's.
        assert su.execute("SELECT auth.change_password(%s, 'x')", [hashes[bob.id]]).fetchone() == (None,)
        assert su.execute("SELECT email FROM auth.my_credentials()").fetchall() == [(alice.email,)]
        assert {r[0] for r in su.execute("SELECT id FROM auth.my_sessions()")} == alice_sessions
        assert su.execute("SELECT count(*) FROM auth.logout_others()").fetchone() == (0,)
    # Claims without a session (a token of the external issuer): nothing changes, even with her hash.
    with acting_as(su, alice.id):
        assert su.execute("SELECT auth.change_password(%s, 'x')", [hashes[alice.id]]).fetchone() == (None,)
        assert su.execute("SELECT count(*) FROM auth.logout_others()").fetchone() == (0,)
    now = dict(su.execute("SELECT id::text, password_hash FROM auth.users WHERE id = ANY(%s::uuid[])",
                          [[alice.id, bob.id]]).fetchall())
    assert now == hashes


@pytest.mark.parametrize("call", ["auth.my_credentials()", "auth.change_password('a', 'b')",
                                  "auth.my_sessions()", "auth.logout_others()"])
def test_anonymous_callers_cannot_reach_the_account_functions(su: psycopg.Connection[Any], call: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_as(su, None):
        su.execute(f"SELECT * FROM {call}")


# ── errors in plain words, next to the field they concern
def test_validation_errors_are_plain_and_name_their_field(client: TestClient, institution_id: str) -> None:
    body = signup_body("not-an-email", institution_id, password="")
    body.update(first_name="", user_category="Surgeon")
    r = client.post("/auth/signup", json=body)
    assert r.status_code == 422
    errors = {e["field"]: e["msg"] for e in r.json()["errors"]}
    assert errors == {
        "email": "Enter an email address, like name@example.org.",
        "password": "This is required.",
        "first_name": "This is required.",
        "user_category": "Choose one of: 'Provider' or 'Medical Coder'.",
    }
    text = json.dumps(r.json())
    assert "String should" not in text and "^" not in text and "/auth" not in text


def test_unverified_sign_in_says_what_to_do_without_api_paths(
    client: TestClient, institution_id: str
) -> None:
    email = unique_email()
    client.post("/auth/signup", json=signup_body(email, institution_id))
    r = client.post("/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "email_not_verified"
    assert "/" not in r.json()["detail"] and "POST" not in r.json()["detail"]


def test_lockout_says_how_long_to_wait(
    make_client: Callable[..., TestClient], make_account: Callable[..., Account]
) -> None:
    c = make_client(oxkair_lockout_threshold=2, oxkair_lockout_base_seconds=45)
    account = make_account(via=c)
    for _ in range(2):
        c.post("/auth/token", json={"email": account.email, "password": "wrong wrong wrong"})
    r = c.post("/auth/token", json={"email": account.email, "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["detail"] == "too many failed sign-in attempts; try again in 45 seconds"
    assert r.json()["retry_after"] == int(r.headers["retry-after"])


def test_mfa_enrolment_answers_a_qr_code_of_its_uri(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account()
    r = client.post("/auth/mfa/enroll", headers=account.auth)
    assert r.status_code == 200
    rows = r.json()["qr_modules"]
    assert len(rows) >= 21 and all(len(row) == len(rows) and set(row) <= {"0", "1"} for row in rows)
    # The three finder patterns of a QR code: dark 7x7 squares in three corners.
    assert rows[0][:7] == rows[0][-7:] == rows[-1][:7] == "1111111"
