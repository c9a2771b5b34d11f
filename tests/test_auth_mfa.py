"""TOTP MFA (RFC 6238) with recovery codes, and the ways around it an attacker would try."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg
import pyotp
from fastapi.testclient import TestClient

from oxkair.auth import mfa
from tests.fixtures.api import PASSWORD, Account, audit_actions, outbox_token


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enroll(c: TestClient, account: Account) -> tuple[str, dict[str, Any]]:
    r = c.post("/auth/mfa/enroll", headers=account.auth)
    assert r.status_code == 200, r.text
    secret = r.json()["secret"]
    assert r.json()["otpauth_uri"].startswith("otpauth://totp/")
    r = c.post("/auth/mfa/verify", json={"code": code_at(secret)}, headers=account.auth)
    assert r.status_code == 200, r.text
    return secret, r.json()


def challenge(c: TestClient, account: Account) -> str:
    r = c.post("/auth/token", json={"email": account.email, "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["mfa_required"] is True and "access_token" not in body
    return str(body["mfa_token"])


def test_rfc6238_vectors() -> None:
    # RFC 6238 appendix B, SHA-1, truncated to 6 digits; secret "12345678901234567890".
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for t, expected in [
        (59, "287082"),
        (1111111109, "081804"),
        (1234567890, "005924"),
        (2000000000, "279037"),
    ]:
        assert mfa.matching_step(secret, expected, 0, now=t) == t // 30


def test_enrolment_then_login_needs_the_second_factor(
    client: TestClient, make_account: Callable[..., Account], superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    secret, confirmed = enroll(client, account)
    assert len(confirmed["recovery_codes"]) == 10
    me = client.get("/auth/user", headers={"Authorization": f"Bearer {confirmed['access_token']}"}).json()
    assert me["mfa_enabled"] is True and me["aal"] == "aal2"

    token = challenge(client, account)
    r = client.post("/auth/mfa/verify", json={"mfa_token": token, "code": code_at(secret, 1)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["aal"] == "aal2" and body["refresh_token"]
    # A refreshed session stays aal2.
    refreshed = client.post("/auth/token/refresh", json={"refresh_token": body["refresh_token"]}).json()
    assert refreshed["user"]["aal"] == "aal2"
    actions = audit_actions(superuser, account.id)
    assert {"AUTH_MFA_ENROLL_STARTED", "AUTH_MFA_ENROLLED", "AUTH_MFA_CHALLENGE"} <= set(actions)


def test_a_totp_code_works_once(client: TestClient, make_account: Callable[..., Account]) -> None:
    account = make_account()
    secret, _ = enroll(client, account)
    code = code_at(secret, 1)
    first = client.post("/auth/mfa/verify", json={"mfa_token": challenge(client, account), "code": code})
    assert first.status_code == 200
    replay = client.post("/auth/mfa/verify", json={"mfa_token": challenge(client, account), "code": code})
    assert replay.status_code == 401
    # The enrolment code is spent too (same or older step).
    older = client.post(
        "/auth/mfa/verify", json={"mfa_token": challenge(client, account), "code": code_at(secret)}
    )
    assert older.status_code == 401


def test_wrong_codes_burn_the_challenge(client: TestClient, make_account: Callable[..., Account]) -> None:
    account = make_account()
    secret, _ = enroll(client, account)
    token = challenge(client, account)
    right = code_at(secret, 1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(mfa.CHALLENGE_ATTEMPTS):
        assert client.post("/auth/mfa/verify", json={"mfa_token": token, "code": wrong}).status_code == 401
    assert client.post("/auth/mfa/verify", json={"mfa_token": token, "code": right}).status_code == 401


def test_challenge_expires_and_is_single_use(
    client: TestClient, make_account: Callable[..., Account], superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    secret, _ = enroll(client, account)
    token = challenge(client, account)
    assert (
        client.post("/auth/mfa/verify", json={"mfa_token": token, "code": code_at(secret, 1)}).status_code
        == 200
    )
    assert (
        client.post("/auth/mfa/verify", json={"mfa_token": token, "code": code_at(secret, 1)}).status_code
        == 401
    )
    token = challenge(client, account)
    superuser.execute(
        "UPDATE auth.one_time_tokens SET expires_at = now() - interval '1 second'"
        " WHERE user_id = %s AND purpose = 'mfa_challenge'",
        [account.id],
    )
    assert (
        client.post("/auth/mfa/verify", json={"mfa_token": token, "code": code_at(secret, 1)}).status_code
        == 401
    )


def test_other_tokens_are_not_mfa_challenges(
    client: TestClient, make_account: Callable[..., Account], superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    secret, _ = enroll(client, account)
    client.post("/auth/recover", json={"email": account.email})
    reset = outbox_token(superuser, account.email, "reset")
    r = client.post("/auth/mfa/verify", json={"mfa_token": reset, "code": code_at(secret, 1)})
    assert r.status_code == 401
    r = client.post("/auth/mfa/verify", json={"mfa_token": account.refresh_token, "code": code_at(secret, 1)})
    assert r.status_code == 401


def test_recovery_code_works_once(client: TestClient, make_account: Callable[..., Account]) -> None:
    account = make_account()
    _, confirmed = enroll(client, account)
    code = confirmed["recovery_codes"][0]
    r = client.post(
        "/auth/mfa/verify", json={"mfa_token": challenge(client, account), "recovery_code": code.lower()}
    )
    assert r.status_code == 200 and r.json()["user"]["aal"] == "aal2"
    r = client.post("/auth/mfa/verify", json={"mfa_token": challenge(client, account), "recovery_code": code})
    assert r.status_code == 401


def test_recovery_codes_and_secret_are_not_readable_by_api_roles(
    login: Callable[..., psycopg.Connection[Any]],
) -> None:
    conn = login("oxkair_api", autocommit=True)
    for role in ("oxkair_anon", "oxkair_authenticated"):
        conn.execute(f"SET ROLE {role}")
        for table in (
            "auth.mfa_factors",
            "auth.recovery_codes",
            "auth.sessions",
            "auth.refresh_tokens",
            "auth.one_time_tokens",
            "auth.outbox",
        ):
            try:
                conn.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
                raise AssertionError(f"{role} read {table}")
            except psycopg.errors.InsufficientPrivilege:
                pass
        conn.execute("RESET ROLE")


def test_aal1_session_cannot_remove_or_replace_the_factor(
    client: TestClient, make_account: Callable[..., Account], superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    # A second session signed in with the password only, before MFA was enrolled.
    aal1 = client.post("/auth/token", json={"email": account.email, "password": PASSWORD}).json()
    aal1_auth = {"Authorization": f"Bearer {aal1['access_token']}"}
    secret, confirmed = enroll(client, account)
    assert client.delete("/auth/mfa", headers=aal1_auth).status_code == 403
    assert client.post("/auth/mfa/enroll", headers=aal1_auth).status_code == 403
    row = superuser.execute(
        "SELECT verified_at IS NOT NULL, secret FROM auth.mfa_factors WHERE user_id = %s", [account.id]
    ).fetchone()
    assert row == (True, secret)
    # The aal2 session can.
    aal2_auth = {"Authorization": f"Bearer {confirmed['access_token']}"}
    assert client.delete("/auth/mfa", headers=aal2_auth).status_code == 204
    assert "AUTH_MFA_REMOVED" in audit_actions(superuser, account.id)
    r = client.post("/auth/token", json={"email": account.email, "password": PASSWORD})
    assert "access_token" in r.json()


def test_confirming_needs_a_pending_enrolment_and_a_right_code(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account()
    assert client.post("/auth/mfa/verify", json={"code": "123456"}, headers=account.auth).status_code == 409
    r = client.post("/auth/mfa/enroll", headers=account.auth)
    secret = r.json()["secret"]
    wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"
    assert client.post("/auth/mfa/verify", json={"code": wrong}, headers=account.auth).status_code == 401
    assert client.post("/auth/mfa/verify", json={"code": code_at(secret)}).status_code == 401  # no token


def test_wrong_codes_lock_the_account_across_challenges(
    make_client: Callable[..., TestClient],
    make_account: Callable[..., Account],
    superuser: psycopg.Connection[Any],
) -> None:
    c = make_client(oxkair_lockout_threshold=3)
    account = make_account(via=c)
    secret, _ = enroll(c, account)
    first, second = challenge(c, account), challenge(c, account)  # opened with the password
    right = code_at(secret, 1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(3):
        assert c.post("/auth/mfa/verify", json={"mfa_token": first, "code": wrong}).status_code == 401
    # Locked: the other open challenge no longer answers, even to the right code ...
    assert c.post("/auth/mfa/verify", json={"mfa_token": second, "code": right}).status_code == 401
    # ... and no new challenge can be opened.
    assert c.post("/auth/token", json={"email": account.email, "password": PASSWORD}).status_code == 429
    assert "AUTH_LOCKOUT" in audit_actions(superuser, account.id)


def test_auth_functions_are_granted_explicitly_never_to_public(su: psycopg.Connection[Any]) -> None:
    rows = su.execute(
        "SELECT p.oid::regprocedure::text, p.prosecdef, pg_get_userbyid(p.proowner),"
        " has_function_privilege('public', p.oid, 'EXECUTE'),"
        " coalesce((SELECT bool_or(c.setting LIKE 'search_path=%') FROM unnest(p.proconfig) AS c(setting)),"
        " false)"
        " FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace"
    ).fetchall()
    assert len(rows) > 20
    for name, definer, owner, public, pinned in rows:
        assert not public, f"{name} is executable by PUBLIC"
        if definer:
            assert pinned, f"{name} does not pin search_path"
            assert owner == "oxkair_definer", name
    # Tables: RLS forced, nothing for the API's roles.
    tables = su.execute(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " has_table_privilege('oxkair_anon', c.oid, 'SELECT'),"
        " has_table_privilege('oxkair_authenticated', c.oid, 'SELECT')"
        " FROM pg_class c WHERE c.relnamespace = 'auth'::regnamespace AND c.relkind = 'r'"
    ).fetchall()
    assert {t[0] for t in tables} >= {
        "sessions",
        "refresh_tokens",
        "one_time_tokens",
        "mfa_factors",
        "outbox",
    }
    for name, rls, forced, anon, authenticated in tables:
        assert rls and forced and not anon and not authenticated, name
