"""Signup, email verification, login, refresh, logout, user, password reset: the happy paths
and what an attacker tries against each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from tests.fixtures.api import PASSWORD, Account, audit_actions, outbox_token, signup_body, unique_email


def test_signup_creates_user_profile_and_settings_in_one_go(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email()
    r = client.post(
        "/auth/signup", json=signup_body(email, institution_id, npi="1234567890", phone_number="+1 555 0100")
    )
    assert r.status_code == 202, r.text
    row = superuser.execute(
        "SELECT u.id, u.password_hash, u.email_confirmed_at, p.first_name, p.user_category,"
        " p.institution_id::text, p.npi, s.theme FROM auth.users u JOIN public.profiles p ON p.id = u.id"
        " JOIN public.user_settings s ON s.id = u.id WHERE u.email = %s",
        [email],
    ).fetchone()
    assert row is not None
    assert row[1].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert row[2] is None
    assert row[3:] == ("Ada", "Medical Coder", institution_id, "1234567890", "light")
    assert "AUTH_SIGNUP" in audit_actions(superuser, str(row[0]))


def test_signup_needs_an_existing_institution(client: TestClient, superuser: psycopg.Connection[Any]) -> None:
    email = unique_email()
    r = client.post("/auth/signup", json=signup_body(email, "00000000-0000-0000-0000-000000000000"))
    assert r.status_code == 422
    assert r.json()["detail"] == "institution not found"
    assert superuser.execute("SELECT count(*) FROM auth.users WHERE email = %s", [email]).fetchone() == (0,)


def test_signup_of_a_registered_email_answers_the_same(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email()
    first = client.post("/auth/signup", json=signup_body(email, institution_id))
    again = client.post(
        "/auth/signup", json=signup_body(email.upper(), institution_id, password="another good passphrase")
    )
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    # The owner of the address is told instead.
    subjects = [
        r[0]
        for r in superuser.execute(
            "SELECT subject FROM auth.outbox WHERE lower(to_address) = %s ORDER BY id", [email]
        )
    ]
    assert subjects == ["Verify your email address for Oxkair", "Sign-up attempt for your Oxkair account"]


def test_signup_refuses_weak_passwords(client: TestClient, institution_id: str) -> None:
    for weak, why in [
        ("short pass", "at least 12"),
        ("password1234", "too common"),
        ("Password!!2024", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
    ]:
        r = client.post("/auth/signup", json=signup_body(unique_email(), institution_id, password=weak))
        assert r.status_code == 422, weak
        assert why in r.json()["detail"]
        assert weak not in r.text


def test_minimum_length_is_configurable(make_client: Callable[..., TestClient], institution_id: str) -> None:
    c = make_client(oxkair_password_min_length=20)
    r = c.post("/auth/signup", json=signup_body(unique_email(), institution_id, password="seventeen chars!!"))
    assert r.status_code == 422 and "at least 20" in r.json()["detail"]


def test_unverified_email_cannot_sign_in_until_verified(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email()
    client.post("/auth/signup", json=signup_body(email, institution_id))
    r = client.post("/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 403
    assert "not verified" in r.json()["detail"]
    token = outbox_token(superuser, email)
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 200
    # single use
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 400
    r = client.post("/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200


def test_verification_can_be_switched_off_for_local_trials(
    make_client: Callable[..., TestClient], institution_id: str
) -> None:
    c = make_client(oxkair_require_email_verification=False)
    email = unique_email()
    c.post("/auth/signup", json=signup_body(email, institution_id))
    assert c.post("/auth/token", json={"email": email, "password": PASSWORD}).status_code == 200


def test_login_answers_tokens_and_the_user(make_account: Callable[..., Account], client: TestClient) -> None:
    account = make_account()
    r = client.post("/auth/token", json={"email": account.email.upper(), "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "user"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    assert body["user"]["id"] == account.id and body["user"]["email"] == account.email
    me = client.get("/auth/user", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == account.id and me.json()["user_category"] == "Medical Coder"
    assert me.json()["mfa_enabled"] is False and me.json()["aal"] == "aal1"


def test_wrong_password_and_unknown_email_get_the_same_answer(
    make_account: Callable[..., Account], client: TestClient
) -> None:
    account = make_account()
    wrong = client.post("/auth/token", json={"email": account.email, "password": "not the password at all"})
    unknown = client.post(
        "/auth/token", json={"email": unique_email(), "password": "not the password at all"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_no_token_or_garbage_is_401(client: TestClient) -> None:
    assert client.get("/auth/user").status_code == 401
    r = client.get("/auth/user", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_refresh_rotates_and_reuse_ends_the_session(
    make_account: Callable[..., Account], client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    r = client.post("/auth/token/refresh", json={"refresh_token": account.refresh_token})
    assert r.status_code == 200
    new = r.json()
    assert new["refresh_token"] != account.refresh_token
    assert (
        client.get("/auth/user", headers={"Authorization": f"Bearer {new['access_token']}"}).status_code
        == 200
    )
    # The old refresh token again: reuse. The whole session ends, new tokens included.
    r = client.post("/auth/token/refresh", json={"refresh_token": account.refresh_token})
    assert r.status_code == 401 and "already used" in r.json()["detail"]
    assert client.post("/auth/token/refresh", json={"refresh_token": new["refresh_token"]}).status_code == 401
    assert (
        client.get("/auth/user", headers={"Authorization": f"Bearer {new['access_token']}"}).status_code
        == 401
    )
    assert "AUTH_REFRESH_REUSE" in audit_actions(superuser, account.id)


def test_unknown_refresh_token_is_refused(client: TestClient) -> None:
    r = client.post("/auth/token/refresh", json={"refresh_token": "x" * 43})
    assert r.status_code == 401


def test_refresh_tokens_are_stored_hashed(
    make_account: Callable[..., Account], superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    row = superuser.execute(
        "SELECT count(*) FILTER (WHERE rt.token_hash = sha256(convert_to(%s, 'UTF8'))),"
        " count(*) FILTER (WHERE position(convert_to(%s, 'UTF8') IN rt.token_hash) > 0)"
        " FROM auth.refresh_tokens rt JOIN auth.sessions s ON s.id = rt.session_id WHERE s.user_id = %s",
        [account.refresh_token, account.refresh_token, account.id],
    ).fetchone()
    assert row == (1, 0)


def test_logout_ends_this_session_only(make_account: Callable[..., Account], client: TestClient) -> None:
    account = make_account()
    other = client.post("/auth/token", json={"email": account.email, "password": PASSWORD}).json()
    assert client.post("/auth/logout", headers=account.auth).status_code == 204
    assert client.get("/auth/user", headers=account.auth).status_code == 401
    assert (
        client.post("/auth/token/refresh", json={"refresh_token": account.refresh_token}).status_code == 401
    )
    assert (
        client.get("/auth/user", headers={"Authorization": f"Bearer {other['access_token']}"}).status_code
        == 200
    )


def test_logout_everywhere(
    make_account: Callable[..., Account], client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    other = client.post("/auth/token", json={"email": account.email, "password": PASSWORD}).json()
    assert client.post("/auth/logout?scope=all", headers=account.auth).status_code == 204
    assert (
        client.get("/auth/user", headers={"Authorization": f"Bearer {other['access_token']}"}).status_code
        == 401
    )
    assert "AUTH_LOGOUT" in audit_actions(superuser, account.id)


def test_password_reset_is_single_use_and_signs_everyone_out(
    make_account: Callable[..., Account], client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    assert client.post("/auth/recover", json={"email": account.email}).status_code == 202
    token = outbox_token(superuser, account.email, "reset")
    new_password = "a brand new passphrase"
    r = client.post("/auth/reset-password", json={"token": token, "password": new_password})
    assert r.status_code == 200, r.text
    assert (
        client.post(
            "/auth/reset-password", json={"token": token, "password": "yet another passphrase"}
        ).status_code
        == 400
    )
    assert client.get("/auth/user", headers=account.auth).status_code == 401
    assert client.post("/auth/token", json={"email": account.email, "password": PASSWORD}).status_code == 401
    assert (
        client.post("/auth/token", json={"email": account.email, "password": new_password}).status_code == 200
    )
    assert "AUTH_PASSWORD_RESET" in audit_actions(superuser, account.id)


def test_reset_tokens_are_stored_hashed_and_expire(
    make_account: Callable[..., Account], client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    client.post("/auth/recover", json={"email": account.email})
    token = outbox_token(superuser, account.email, "reset")
    assert superuser.execute(
        "SELECT count(*) FROM auth.one_time_tokens WHERE user_id = %s AND purpose = 'password_reset'"
        " AND token_hash = sha256(convert_to(%s, 'UTF8'))",
        [account.id, token],
    ).fetchone() == (1,)
    superuser.execute(
        "UPDATE auth.one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = %s",
        [account.id],
    )
    assert (
        client.post(
            "/auth/reset-password", json={"token": token, "password": "a brand new passphrase"}
        ).status_code
        == 400
    )


def test_only_the_newest_reset_link_works(
    make_account: Callable[..., Account], client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    client.post("/auth/recover", json={"email": account.email})
    first = outbox_token(superuser, account.email, "reset")
    client.post("/auth/recover", json={"email": account.email})
    assert (
        client.post(
            "/auth/reset-password", json={"token": first, "password": "a brand new passphrase"}
        ).status_code
        == 400
    )


def test_recover_answers_the_same_for_unknown_addresses(
    client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    email = unique_email()
    r = client.post("/auth/recover", json={"email": email})
    assert r.status_code == 202
    assert r.json()["message"] == "if this address has an account, we sent it a link"
    assert superuser.execute(
        "SELECT count(*) FROM auth.outbox WHERE to_address = %s", [email]
    ).fetchone() == (0,)


def test_a_verification_token_cannot_reset_a_password(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email()
    client.post("/auth/signup", json=signup_body(email, institution_id))
    token = outbox_token(superuser, email)
    assert (
        client.post(
            "/auth/reset-password", json={"token": token, "password": "a brand new passphrase"}
        ).status_code
        == 400
    )


def test_disabled_account_cannot_sign_in_or_refresh(
    make_account: Callable[..., Account], client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    superuser.execute("UPDATE auth.users SET disabled_at = now() WHERE id = %s", [account.id])
    assert client.get("/auth/user", headers=account.auth).status_code == 401
    assert (
        client.post("/auth/token/refresh", json={"refresh_token": account.refresh_token}).status_code == 401
    )
    r = client.post("/auth/token", json={"email": account.email, "password": PASSWORD})
    assert r.status_code == 403


def test_every_auth_event_is_audited_with_the_client_address(
    make_client: Callable[..., TestClient],
    make_account: Callable[..., Account],
    superuser: psycopg.Connection[Any],
) -> None:
    c = make_client(ip="10.250.0.7")
    account = make_account(via=c)
    c.post("/auth/token", json={"email": account.email, "password": "not the password at all"})
    c.post("/auth/logout", headers=account.auth)
    rows = superuser.execute(
        "SELECT action, host(client_addr), detail->>'user_id' FROM audit.log WHERE table_name = 'auth.users'"
        " AND row_id = %s AND action LIKE 'AUTH_%%' ORDER BY at, seq",
        [account.id],
    ).fetchall()
    actions = [r[0] for r in rows]
    for expected in ("AUTH_SIGNUP", "AUTH_EMAIL_VERIFIED", "AUTH_LOGIN", "AUTH_LOGIN_FAILED", "AUTH_LOGOUT"):
        assert expected in actions
    assert all(r[1] == "10.250.0.7" and r[2] == account.id for r in rows)


def test_a_new_verification_link_voids_the_old_one(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email()
    client.post("/auth/signup", json=signup_body(email, institution_id))
    first = outbox_token(superuser, email)
    r = client.post("/auth/recover", json={"email": email, "purpose": "email_verification"})
    assert r.status_code == 202
    second = outbox_token(superuser, email)
    assert second != first
    assert client.post("/auth/verify-email", json={"token": first}).status_code == 400
    assert client.post("/auth/verify-email", json={"token": second}).status_code == 200


def test_revocation_is_immediate_on_the_replica_despite_its_session_cache(
    make_client: Callable[..., TestClient], make_account: Callable[..., Account]
) -> None:
    c = make_client(oxkair_session_cache_seconds=300)
    account = make_account(via=c)
    assert c.get("/auth/user", headers=account.auth).status_code == 200  # now cached as live
    assert c.post("/auth/logout", headers=account.auth).status_code == 204
    assert c.get("/auth/user", headers=account.auth).status_code == 401
    other = make_account(via=c)
    assert c.get("/auth/user", headers=other.auth).status_code == 200
    c.post("/auth/token/refresh", json={"refresh_token": other.refresh_token})
    c.post("/auth/token/refresh", json={"refresh_token": other.refresh_token})  # reuse
    assert c.get("/auth/user", headers=other.auth).status_code == 401
