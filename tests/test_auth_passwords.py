"""Passwords: argon2id parameters, the policy, migrated Supabase bcrypt hashes re-hashed at login."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import bcrypt
import psycopg
import pytest
from fastapi.testclient import TestClient

from oxkair.auth.passwords import common_passwords, hash_password, policy_problem, verify_password
from tests.fixtures.api import audit_actions, unique_email


def migrated_user(conn: psycopg.Connection[Any], institution_id: str, password_hash: str) -> tuple[str, str]:
    """A user as the data migration leaves them: Supabase's hash, confirmed address, profile."""
    email = unique_email("migrated")
    row = conn.execute(
        "INSERT INTO auth.users (email, password_hash, email_confirmed_at, migrated_from)"
        " VALUES (%s, %s, now(), 'supabase') RETURNING id",
        [email, password_hash],
    ).fetchone()
    assert row
    conn.execute(
        "INSERT INTO public.profiles (id, first_name, user_category, institution_id)"
        " VALUES (%s, 'Mig', 'Provider', %s)",
        [row[0], institution_id],
    )
    return str(row[0]), email


def gotrue_bcrypt(password: str, prefix: str = "$2a$") -> str:
    """What Go's bcrypt writes: cost 10, `$2a$`."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(10)).decode().replace("$2b$", prefix, 1)


@pytest.mark.parametrize("prefix", ["$2a$", "$2b$", "$2y$"])
def test_migrated_bcrypt_user_signs_in_and_is_rehashed_to_argon2id(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str, prefix: str
) -> None:
    password = "short1"  # GoTrue allowed 6 characters: the policy applies when a password is set
    user_id, email = migrated_user(superuser, institution_id, gotrue_bcrypt(password, prefix))
    r = client.post("/auth/token", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    stored = superuser.execute("SELECT password_hash FROM auth.users WHERE id = %s", [user_id]).fetchone()
    assert stored and stored[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "AUTH_PASSWORD_REHASHED" in audit_actions(superuser, user_id)
    # ... and the same password keeps working against the new hash.
    assert client.post("/auth/token", json={"email": email, "password": password}).status_code == 200
    assert client.post("/auth/token", json={"email": email, "password": "short2"}).status_code == 401


def test_bcrypt_with_a_password_over_72_bytes_is_wrong_credentials_not_500(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    password = "p" * 72
    user_id, email = migrated_user(superuser, institution_id, gotrue_bcrypt(password))
    r = client.post("/auth/token", json={"email": email, "password": password + "extra bytes"})
    assert r.status_code == 401


def test_unverifiable_hashes_are_refused_and_left_alone(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    envelope = '{"key_id":"k1","alg":"aes-gcm-hkdf","data":"AAAA","nonce":"BBBB"}'
    for stored in (envelope, "", "$fbscrypt$v=1,n=14,r=8,p=1$c2FsdA$aGFzaA"):
        user_id, email = migrated_user(superuser, institution_id, stored)
        assert (
            client.post("/auth/token", json={"email": email, "password": "anything at all"}).status_code
            == 401
        )
        assert superuser.execute(
            "SELECT password_hash FROM auth.users WHERE id = %s", [user_id]
        ).fetchone() == (stored,)


def test_argon2id_parameters_are_owasp() -> None:
    stored = hash_password(secrets.token_urlsafe(16))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password("wrong", stored) == (False, None)


def test_common_password_list_ships_with_the_package() -> None:
    common = common_passwords()
    assert len(common) > 20_000 and "password" in common and "123456" in common


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("correct horse battery staple", True),
        ("Tr0ub4dor&3-but-longer", True),
        ("elevenchars", False),
        ("passwordpassword", False),
        ("qwertyuiop123", False),
        ("!!iloveyou2024!!", False),
        ("zzzzzzzzzzzzzzzz", False),
        ("x" * 300, False),
    ],
)
def test_policy(password: str, ok: bool) -> None:
    assert (policy_problem(password, 12) is None) is ok


def test_policy_refuses_the_email_in_the_password() -> None:
    assert (
        policy_problem("jdoe-hospital-2026", 12, "jdoe@x.org")
        == "the password must not contain the email address"
    )


def test_reset_applies_the_policy(make_client: Callable[..., TestClient]) -> None:
    c = make_client()
    r = c.post("/auth/reset-password", json={"token": "x" * 43, "password": "password123"})
    assert r.status_code == 422
