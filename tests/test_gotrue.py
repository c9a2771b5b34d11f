"""/auth/v1 (GoTrue's wire format): shapes, errors, and the attacker's side of every check."""

from __future__ import annotations

import base64
import json
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pyotp
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey

from oxkair.auth.anon_key import issue_anon_key
from oxkair.auth.tokens import unverified_header_and_claims
from tests.fixtures.api import PASSWORD, audit_actions, outbox_token, unique_email

V1 = "/auth/v1"
NEW_API = {"X-Supabase-Api-Version": "2024-01-01"}
SESSION_KEYS = {"access_token", "token_type", "expires_in", "expires_at", "refresh_token", "user"}
USER_KEYS = {
    "id",
    "aud",
    "role",
    "email",
    "email_confirmed_at",
    "phone",
    "confirmed_at",
    "last_sign_in_at",
    "app_metadata",
    "user_metadata",
    "identities",
    "created_at",
    "updated_at",
    "is_anonymous",
}
CLAIMS = {
    "sub",
    "aud",
    "exp",
    "iat",
    "iss",
    "email",
    "role",
    "aal",
    "amr",
    "session_id",
    "app_metadata",
    "user_metadata",
    "is_anonymous",
}


def anon_key(client: TestClient) -> str:
    app: Any = client.app
    return issue_anon_key(app.state.auth.keys, app.state.settings.oxkair_jwt_issuer)


def h(client: TestClient, token: str | None = None, **extra: str) -> dict[str, str]:
    key = anon_key(client)
    return {"apikey": key, "Authorization": f"Bearer {token or key}", **extra}


def profile(institution_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "first_name": "Ada",
        "last_name": "Coder",
        "user_category": "Medical Coder",
        "institution_id": institution_id,
        **extra,
    }


def sign_up(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str, verify: bool = True
) -> str:
    email = unique_email("gt")
    r = client.post(
        f"{V1}/signup",
        headers=h(client),
        json={"email": email, "password": PASSWORD, "data": profile(institution_id, npi="1234567890")},
    )
    assert r.status_code == 200, r.text
    if verify:
        r = client.post(
            f"{V1}/verify",
            headers=h(client),
            json={"type": "signup", "token_hash": outbox_token(superuser, email)},
        )
        assert r.status_code == 200, r.text
    return email


def sign_in(client: TestClient, email: str, password: str = PASSWORD, **headers: str) -> Any:
    return client.post(
        f"{V1}/token?grant_type=password",
        headers=h(client, **headers),
        json={"email": email, "password": password, "gotrue_meta_security": {}},
    )


@pytest.fixture()
def gt_account(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> Callable[[], tuple[str, dict[str, Any]]]:
    def _make() -> tuple[str, dict[str, Any]]:
        email = sign_up(client, superuser, institution_id)
        r = sign_in(client, email)
        assert r.status_code == 200, r.text
        return email, r.json()

    return _make


# ── shapes
def test_signup_verify_sign_in_user_and_claims(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = sign_up(client, superuser, institution_id)
    again = client.post(
        f"{V1}/signup",
        headers=h(client),
        json={"email": email, "password": PASSWORD, "data": profile(institution_id)},
    )
    first_keys = set(again.json())
    assert again.status_code == 200 and again.json()["identities"] == []  # same answer: no enumeration
    r = sign_in(client, email)
    assert r.status_code == 200, r.text
    session = r.json()
    assert set(session) == SESSION_KEYS and session["token_type"] == "bearer"
    assert USER_KEYS <= set(session["user"]) and first_keys <= USER_KEYS | {"confirmation_sent_at"}
    user = session["user"]
    assert user["email"] == email and user["email_confirmed_at"] and user["role"] == "authenticated"
    assert (
        user["user_metadata"]["npi"] == "1234567890"
        and user["user_metadata"]["institution_id"] == institution_id
    )
    header, claims = unverified_header_and_claims(session["access_token"])
    assert header["alg"] == "ES256" and header["kid"]
    assert CLAIMS <= set(claims) and claims["role"] == "authenticated" and claims["aal"] == "aal1"
    assert claims["amr"][0]["method"] == "password" and claims["is_anonymous"] is False
    for path in ("/.well-known/jwks.json", f"{V1}/.well-known/jwks.json"):
        keys = client.get(path).json()["keys"]  # public keys: no apikey needed
        assert header["kid"] in {k["kid"] for k in keys}
    got = client.get(f"{V1}/user", headers=h(client, session["access_token"]))
    assert got.status_code == 200 and got.json()["id"] == user["id"]
    settings = client.get(f"{V1}/settings", headers=h(client)).json()
    assert settings["external"]["email"] is True and settings["external"]["google"] is False
    assert "AUTH_LOGIN" in audit_actions(superuser, user["id"])  # the same audit trail as /auth


def test_signup_data_is_validated_and_nothing_is_created(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email("gt")
    for data in (
        {**profile(institution_id), "role": "admin"},
        {**profile(institution_id), "npi": "12"},
        {"first_name": "Ada"},
    ):
        r = client.post(
            f"{V1}/signup", headers=h(client), json={"email": email, "password": PASSWORD, "data": data}
        )
        assert r.status_code == 400 and r.json()["error_code"] == "validation_failed", r.text
        assert "data." in r.json()["msg"]
    unknown = client.post(
        f"{V1}/signup",
        headers=h(client),
        json={"email": email, "password": PASSWORD, "data": profile(str(uuid.uuid4()))},
    )
    assert unknown.status_code == 422 and unknown.json()["error_code"] == "validation_failed", unknown.text
    assert superuser.execute("SELECT count(*) FROM auth.users WHERE email = %s", [email]).fetchone() == (0,)


# ── errors, both of GoTrue's formats
def test_errors_in_gotrue_formats(
    client: TestClient,
    gt_account: Callable[[], tuple[str, dict[str, Any]]],
    superuser: psycopg.Connection[Any],
    institution_id: str,
) -> None:
    email, _ = gt_account()
    legacy = sign_in(client, email, "wrong password entirely")
    assert legacy.status_code == 400
    assert legacy.json() == {
        "code": 400,
        "error_code": "invalid_credentials",
        "msg": "Invalid login credentials",
    }
    assert legacy.headers["x-sb-error-code"] == "invalid_credentials"
    new = sign_in(client, email, "wrong password entirely", **NEW_API)
    assert new.json() == {"code": "invalid_credentials", "message": "Invalid login credentials"}
    assert new.headers["x-supabase-api-version"] == "2024-01-01"
    weak = client.post(
        f"{V1}/signup",
        headers=h(client),
        json={"email": unique_email("gt"), "password": "short", "data": profile(institution_id)},
    )
    assert weak.status_code == 422 and weak.json()["error_code"] == "weak_password"
    assert weak.json()["weak_password"]["reasons"] == ["length"]
    unverified = sign_up(client, superuser, institution_id, verify=False)
    r = sign_in(client, unverified)
    assert r.status_code == 400 and r.json()["error_code"] == "email_not_confirmed"
    bad_link = client.post(f"{V1}/verify", headers=h(client), json={"type": "signup", "token_hash": "x" * 43})
    assert bad_link.status_code == 403 and bad_link.json()["error_code"] == "otp_expired"
    assert client.post(f"{V1}/token?grant_type=pkce", headers=h(client), json={}).status_code == 400
    assert (
        client.post(f"{V1}/logout?scope=nowhere", headers=h(client)).json()["error_code"]
        == "validation_failed"
    )


def test_lockout_applies_unchanged(
    make_client: Callable[..., TestClient], gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    email, _ = gt_account()
    client = make_client(oxkair_lockout_threshold=3)
    codes = [sign_in(client, email, "not the password at all").status_code for _ in range(4)]
    locked = sign_in(client, email)  # the right password, while locked
    assert codes[:3] == [400, 400, 400] and locked.status_code == 429
    assert locked.json()["error_code"] == "over_request_rate_limit" and int(locked.headers["retry-after"]) > 0


# ── refresh rotation and reuse
def test_refresh_rotates_and_reuse_ends_the_session(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    _, session = gt_account()
    old = session["refresh_token"]
    r = client.post(f"{V1}/token?grant_type=refresh_token", headers=h(client), json={"refresh_token": old})
    assert r.status_code == 200 and set(r.json()) == SESSION_KEYS
    new = r.json()
    reuse = client.post(
        f"{V1}/token?grant_type=refresh_token", headers=h(client), json={"refresh_token": old}
    )
    assert reuse.status_code == 400 and reuse.json()["error_code"] == "refresh_token_already_used"
    after = client.post(
        f"{V1}/token?grant_type=refresh_token",
        headers=h(client),
        json={"refresh_token": new["refresh_token"]},
    )
    assert after.status_code == 400 and after.json()["error_code"] == "session_expired"
    user = client.get(f"{V1}/user", headers=h(client, new["access_token"]))
    assert user.status_code == 403 and user.json()["error_code"] == "session_not_found"
    unknown = client.post(
        f"{V1}/token?grant_type=refresh_token", headers=h(client), json={"refresh_token": "n" * 43}
    )
    assert unknown.json()["error_code"] == "refresh_token_not_found"


# ── the attacker's tokens against /auth/v1/user
def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_forged_expired_and_replayed_tokens_are_refused(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    _, session = gt_account()
    header, claims = unverified_header_and_claims(session["access_token"])
    app: Any = client.app
    ours = app.state.auth.keys.signing
    other = ECKey.generate_key("P-256", private=True)
    now = int(time.time())
    forged = {
        "other key, our kid": jwt.encode(header, claims, other, algorithms=["ES256"]),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "HS256 with the public key": jwt.encode(
            {"alg": "HS256", "kid": header["kid"]},
            claims,
            OctKey.import_key(json.dumps(ours.key.as_dict(private=False)).encode()),
            algorithms=["HS256"],
        ),
        "expired": jwt.encode(
            header, {**claims, "iat": now - 4000, "exp": now - 3000}, ours.key, algorithms=["ES256"]
        ),
        "service_role": jwt.encode(
            header, {**claims, "role": "service_role"}, ours.key, algorithms=["ES256"]
        ),
        "another subject": jwt.encode(
            header,
            {**claims, "session_id": "00000000-0000-4000-8000-000000000000"},
            ours.key,
            algorithms=["ES256"],
        ),
        "tampered payload": ".".join(
            [
                session["access_token"].split(".")[0],
                _b64({**claims, "aal": "aal2"}),
                session["access_token"].split(".")[2],
            ]
        ),
    }
    for name, token in forged.items():
        r = client.get(f"{V1}/user", headers=h(client, token))
        assert r.status_code in (401, 403), name
        assert r.json()["error_code"] in ("bad_jwt", "session_not_found"), name
    assert (
        client.get(f"{V1}/user", headers=h(client)).json()["error_code"] == "no_authorization"
    )  # anon key only
    # Replay after sign-out: the signature still holds, the session does not.
    assert (
        client.post(f"{V1}/logout?scope=local", headers=h(client, session["access_token"])).status_code == 204
    )
    replay = client.get(f"{V1}/user", headers=h(client, session["access_token"]))
    assert replay.status_code == 403 and replay.json()["error_code"] == "session_not_found"


def test_apikey_is_required_and_grants_nothing(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    _, session = gt_account()
    bearer = {"Authorization": f"Bearer {session['access_token']}"}
    missing = client.get(f"{V1}/user", headers=bearer)
    assert missing.status_code == 401 and missing.json()["msg"] == "No API key found in request"
    app: Any = client.app
    header, _ = unverified_header_and_claims(anon_key(client))
    wrong = {
        "garbage": "not-a-key",
        "an access token": session["access_token"],
        "service_role": jwt.encode(
            header,
            {"iss": "oxkair", "role": "service_role", "exp": 4102444800},
            app.state.auth.keys.signing.key,
            algorithms=["ES256"],
        ),
        "another deployment": jwt.encode(
            header,
            {"iss": "elsewhere", "role": "anon", "exp": 4102444800},
            app.state.auth.keys.signing.key,
            algorithms=["ES256"],
        ),
    }
    for name, key in wrong.items():
        r = client.get(f"{V1}/user", headers={**bearer, "apikey": key})
        assert r.status_code == 401 and r.json()["msg"] == "Invalid API key", name
    # A key forged with any signature passes the apikey check (it is public, see anon_key.py) but
    # opens nothing: without a session's bearer token /user stays closed.
    forged = jwt.encode(
        header,
        {"iss": app.state.settings.oxkair_jwt_issuer, "role": "anon", "exp": 4102444800},
        ECKey.generate_key("P-256", private=True),
        algorithms=["ES256"],
    )
    assert (
        client.get(f"{V1}/user", headers={"apikey": forged, "Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
    assert client.get(f"{V1}/settings?apikey={anon_key(client)}").status_code == 200


# ── the user
def test_update_user(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]], institution_id: str
) -> None:
    email, session = gt_account()
    auth = h(client, session["access_token"])
    r = client.put(
        f"{V1}/user", headers=auth, json={"data": {"first_name": "Grace", "phone_number": "+1 555 0100"}}
    )
    assert r.status_code == 200 and r.json()["user_metadata"]["first_name"] == "Grace"
    for refused in ({"institution_id": institution_id}, {"user_category": "Provider"}):
        r = client.put(f"{V1}/user", headers=auth, json={"data": refused})
        assert r.status_code == 400 and r.json()["error_code"] == "validation_failed"
    r = client.put(f"{V1}/user", headers=auth, json={"password": "a brand new passphrase"})
    assert r.status_code == 400 and r.json()["error_code"] == "current_password_required"
    r = client.put(
        f"{V1}/user",
        headers=auth,
        json={"password": "a brand new passphrase", "current_password": "not it at all"},
    )
    assert r.json()["error_code"] == "current_password_invalid"
    r = client.put(f"{V1}/user", headers=auth, json={"email": "not an address"})
    assert r.status_code == 400 and r.json()["error_code"] == "email_address_invalid"
    r = client.put(
        f"{V1}/user", headers=auth, json={"password": "a brand new passphrase", "current_password": PASSWORD}
    )
    assert r.status_code == 200, r.text
    assert sign_in(client, email, "a brand new passphrase").status_code == 200


def test_logout_scopes(client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]) -> None:
    email, first = gt_account()
    second, third = sign_in(client, email).json(), sign_in(client, email).json()

    def live(s: dict[str, Any]) -> bool:
        return client.get(f"{V1}/user", headers=h(client, s["access_token"])).status_code == 200

    assert (
        client.post(f"{V1}/logout?scope=others", headers=h(client, first["access_token"])).status_code == 204
    )
    assert [live(first), live(second), live(third)] == [True, False, False]
    fourth = sign_in(client, email).json()
    assert (
        client.post(f"{V1}/logout?scope=local", headers=h(client, fourth["access_token"])).status_code == 204
    )
    assert [live(first), live(fourth)] == [True, False]
    fifth = sign_in(client, email).json()
    assert client.post(f"{V1}/logout", headers=h(client, fifth["access_token"])).status_code == 204  # global
    assert [live(first), live(fifth)] == [False, False]


# ── MFA
def test_mfa_enrol_sign_in_and_remove(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    email, session = gt_account()
    auth = h(client, session["access_token"])
    enrolled = client.post(
        f"{V1}/factors", headers=auth, json={"factor_type": "totp", "friendly_name": "phone"}
    )
    assert enrolled.status_code == 200, enrolled.text
    factor = enrolled.json()
    assert factor["type"] == "totp" and factor["totp"]["qr_code"].startswith("<svg")
    secret = factor["totp"]["secret"]
    assert factor["totp"]["uri"].startswith("otpauth://totp/")
    challenge = client.post(f"{V1}/factors/{factor['id']}/challenge", headers=auth, json={})
    assert challenge.status_code == 200 and challenge.json()["type"] == "totp"
    wrong = client.post(
        f"{V1}/factors/{factor['id']}/verify",
        headers=auth,
        json={"challenge_id": challenge.json()["id"], "code": "000000"},
    )
    assert wrong.status_code == 422 and wrong.json()["error_code"] == "mfa_verification_failed"
    verified = client.post(
        f"{V1}/factors/{factor['id']}/verify",
        headers=auth,
        json={"challenge_id": challenge.json()["id"], "code": pyotp.TOTP(secret).now()},
    )
    assert verified.status_code == 200, verified.text
    aal2 = verified.json()
    assert (
        set(aal2) == SESSION_KEYS and unverified_header_and_claims(aal2["access_token"])[1]["aal"] == "aal2"
    )
    assert aal2["user"]["factors"][0]["status"] == "verified"
    # The refresh token of before is spent: presenting it is reuse (the whole session ends).
    new_session = client.post(
        f"{V1}/token?grant_type=refresh_token",
        headers=h(client),
        json={"refresh_token": aal2["refresh_token"]},
    )
    assert new_session.status_code == 200
    assert unverified_header_and_claims(new_session.json()["access_token"])[1]["aal"] == "aal2"

    # A password sign-in now yields a pending token: it opens the MFA routes and /user, nothing else.
    pending = sign_in(client, email)
    assert pending.status_code == 200
    pending_token = pending.json()["access_token"]
    assert unverified_header_and_claims(pending_token)[1]["aal"] == "aal1"
    assert (
        client.get(f"{V1}/user", headers=h(client, pending_token)).json()["factors"][0]["status"]
        == "verified"
    )
    for path in ("/auth/user", "/me/profile", "/cases"):
        assert client.get(path, headers={"Authorization": f"Bearer {pending_token}"}).status_code == 401, path
    assert client.put(f"{V1}/user", headers=h(client, pending_token), json={"data": {}}).status_code == 401
    refresh = client.post(
        f"{V1}/token?grant_type=refresh_token",
        headers=h(client),
        json={"refresh_token": pending.json()["refresh_token"]},
    )
    assert refresh.status_code == 400
    ch = client.post(
        f"{V1}/factors/{factor['id']}/challenge", headers=h(client, pending_token), json={}
    ).json()
    done = client.post(
        f"{V1}/factors/{factor['id']}/verify",
        headers=h(client, pending_token),
        json={"challenge_id": ch["id"], "code": pyotp.TOTP(secret).at(time.time() + 30)},
    )
    assert done.status_code == 200, done.text
    signed_in = done.json()
    assert unverified_header_and_claims(signed_in["access_token"])[1]["aal"] == "aal2"
    # The challenge is spent: the pending token cannot make a second session.
    again = client.post(
        f"{V1}/factors/{factor['id']}/verify",
        headers=h(client, pending_token),
        json={"challenge_id": ch["id"], "code": pyotp.TOTP(secret).now()},
    )
    assert again.status_code == 422 and again.json()["error_code"] == "mfa_challenge_expired"
    removed = client.delete(f"{V1}/factors/{factor['id']}", headers=h(client, signed_in["access_token"]))
    assert removed.status_code == 200 and removed.json() == {"id": factor["id"]}
    assert sign_in(client, email).status_code == 200
    assert "factors" not in client.get(f"{V1}/user", headers=h(client, signed_in["access_token"])).json()


def test_mfa_removal_needs_aal2_and_the_callers_factor(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    _, session = gt_account()
    auth = h(client, session["access_token"])
    factor = client.post(f"{V1}/factors", headers=auth, json={"factor_type": "totp"}).json()
    assert (
        client.delete(f"{V1}/factors/{factor['id']}", headers=auth).json()["error_code"] == "insufficient_aal"
    )
    _, other = gt_account()
    other_auth = h(client, other["access_token"])
    stranger = client.post(f"{V1}/factors/{factor['id']}/challenge", headers=other_auth, json={})
    assert stranger.status_code == 404 and stranger.json()["error_code"] == "mfa_factor_not_found"
    phone = client.post(f"{V1}/factors", headers=auth, json={"factor_type": "phone", "phone": "+15550100"})
    assert phone.status_code == 422 and phone.json()["error_code"] == "mfa_phone_enroll_not_enabled"


# ── CORS
def test_cors_only_for_configured_origins(make_client: Callable[..., TestClient]) -> None:
    preflight = {
        "Origin": "https://app.example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "apikey, authorization, x-client-info, content-type",
    }
    closed = make_client().options(f"{V1}/token", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    client = make_client(oxkair_cors_origins="https://app.example.org")
    ok = client.options(f"{V1}/token", headers=preflight)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://app.example.org"
    assert "apikey" in ok.headers["access-control-allow-headers"].lower()
    other = client.options(f"{V1}/token", headers={**preflight, "Origin": "https://evil.example"})
    assert other.headers.get("access-control-allow-origin") is None
    own_api = client.options("/auth/token", headers=preflight)
    assert "access-control-allow-origin" not in own_api.headers


def test_recovery_codes_of_the_settings_page_complete_a_v1_sign_in(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    """One service behind both doors: a factor enrolled through /auth (recovery codes shown)
    is the factor /auth/v1 challenges, and a recovery code is accepted as its code, once."""
    email, session = gt_account()
    bearer = {"Authorization": f"Bearer {session['access_token']}"}
    secret = client.post("/auth/mfa/enroll", headers=bearer).json()["secret"]
    codes = client.post("/auth/mfa/verify", headers=bearer, json={"code": pyotp.TOTP(secret).now()}).json()
    pending = sign_in(client, email).json()["access_token"]
    fid = client.get(f"{V1}/user", headers=h(client, pending)).json()["factors"][0]["id"]
    ch = client.post(f"{V1}/factors/{fid}/challenge", headers=h(client, pending), json={}).json()
    done = client.post(
        f"{V1}/factors/{fid}/verify",
        headers=h(client, pending),
        json={"challenge_id": ch["id"], "code": codes["recovery_codes"][0]},
    )
    assert done.status_code == 200, done.text
    assert unverified_header_and_claims(done.json()["access_token"])[1]["amr"][1]["method"] == "recovery_code"
    pending = sign_in(client, email).json()["access_token"]
    ch = client.post(f"{V1}/factors/{fid}/challenge", headers=h(client, pending), json={}).json()
    spent = client.post(
        f"{V1}/factors/{fid}/verify",
        headers=h(client, pending),
        json={"challenge_id": ch["id"], "code": codes["recovery_codes"][0]},
    )
    assert spent.status_code == 422 and spent.json()["error_code"] == "mfa_verification_failed"
    wrong_challenge = client.post(
        f"{V1}/factors/{fid}/verify",
        headers=h(client, pending),
        json={"challenge_id": str(uuid.uuid4()), "code": pyotp.TOTP(secret).at(time.time() + 30)},
    )
    assert (
        wrong_challenge.status_code == 422 and wrong_challenge.json()["error_code"] == "mfa_factor_not_found"
    )


def test_what_is_not_offered_answers_plainly(client: TestClient) -> None:
    assert client.get(f"{V1}/admin/users", headers=h(client)).status_code == 404
    for path in ("/storage/v1/object/list/notes", "/functions/v1/hello", "/realtime/v1/websocket"):
        assert client.get(path, headers=h(client)).status_code == 404, path
    phone = client.post(f"{V1}/signup", headers=h(client), json={"phone": "+15550100", "password": PASSWORD})
    assert phone.status_code == 422 and phone.json()["error_code"] == "phone_provider_disabled"
    recovery = client.post(
        f"{V1}/verify", headers=h(client), json={"type": "recovery", "token_hash": "x" * 43}
    )
    assert recovery.status_code == 400 and "reset" in recovery.json()["msg"]


def test_anon_key_command(cli_env: dict[str, str], client: TestClient) -> None:
    done = subprocess.run(
        [str(Path(".venv/bin/oxkair").resolve()), "auth", "anon-key"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    header, claims = unverified_header_and_claims(key)
    assert header["alg"] == "ES256" and header["kid"] and claims["role"] == "anon"
    assert claims["exp"] - claims["iat"] > 9 * 365 * 24 * 3600
    assert client.get(f"{V1}/settings", headers={"apikey": key}).status_code == 200
    assert client.get("/auth/user", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_rate_limit_per_address_answers_429(
    make_client: Callable[..., TestClient], gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    email, _ = gt_account()
    client = make_client(oxkair_login_rate_per_ip=2)
    answers = [sign_in(client, email) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["error_code"] == "over_request_rate_limit" and answers[2].headers["retry-after"]


def test_a_tampered_pending_token_completes_nothing(
    client: TestClient, gt_account: Callable[[], tuple[str, dict[str, Any]]]
) -> None:
    email, session = gt_account()
    auth = h(client, session["access_token"])
    factor = client.post(f"{V1}/factors", headers=auth, json={"factor_type": "totp"}).json()
    challenge = client.post(f"{V1}/factors/{factor['id']}/challenge", headers=auth, json={}).json()
    code = pyotp.TOTP(factor["totp"]["secret"]).now()
    ok = client.post(
        f"{V1}/factors/{factor['id']}/verify",
        headers=auth,
        json={"challenge_id": challenge["id"], "code": code},
    )
    assert ok.status_code == 200
    pending = sign_in(client, email).json()["access_token"]
    head, body, signature = pending.split(".")
    claims = unverified_header_and_claims(pending)[1]
    for changed in (
        {"mfa_challenge": "x" * 43},
        {"sub": session["user"]["id"][:-1] + "0"},
        {"exp": claims["exp"] + 600},
    ):
        forged = f"{head}.{_b64({**claims, **changed})}.{signature}"
        r = client.post(
            f"{V1}/factors/{factor['id']}/verify",
            headers=h(client, forged),
            json={
                "challenge_id": claims["session_id"],
                "code": pyotp.TOTP(factor["totp"]["secret"]).at(time.time() + 30),
            },
        )
        assert r.status_code == 403 and r.json()["error_code"] == "bad_jwt", changed
    # Without the pending claim the same signature is no aal1 session either.
    stripped = {k: v for k, v in claims.items() if k != "mfa_challenge"}
    r = client.get(f"{V1}/user", headers=h(client, f"{head}.{_b64(stripped)}.{signature}"))
    assert r.status_code == 403


@pytest.mark.parametrize(
    "origins", ["*", "https://*.example.org", "app.example.org", "https://a.example/path"]
)
def test_cors_origins_must_be_exact(origins: str) -> None:
    from pydantic import ValidationError

    from oxkair.api.cors import check_origins
    from oxkair.config import Settings, split_origins
    from oxkair.errors import SetupError

    with pytest.raises(ValidationError):
        Settings(oxkair_cors_origins=origins)
    with pytest.raises(SetupError):
        check_origins(split_origins(origins))
    assert Settings(oxkair_cors_origins="https://app.example.org, http://127.0.0.1:3000/").cors_origins == [
        "https://app.example.org",
        "http://127.0.0.1:3000",
    ]


def test_email_change_is_confirmed_by_the_new_address(
    client: TestClient,
    gt_account: Callable[[], tuple[str, dict[str, Any]]],
    superuser: psycopg.Connection[Any],
) -> None:
    old, session = gt_account()
    user_id = session["user"]["id"]
    auth = h(client, session["access_token"])
    new = unique_email("moved")
    r = client.put(f"{V1}/user", headers=auth, json={"email": new})
    assert r.status_code == 200 and r.json()["new_email"] == new and r.json()["email"] == old
    notice = superuser.execute(
        "SELECT subject FROM auth.outbox WHERE to_address = %s ORDER BY id DESC LIMIT 1", [old]
    ).fetchone()
    assert notice == ("Your Oxkair email address is being changed",)
    assert sign_in(client, old).status_code == 200  # nothing changes until the new address confirms
    token = outbox_token(superuser, new)
    done = client.post(f"{V1}/verify", headers=h(client), json={"type": "email_change", "token_hash": token})
    assert done.status_code == 200, done.text
    again = client.post(f"{V1}/verify", headers=h(client), json={"type": "email_change", "token_hash": token})
    assert again.status_code == 403 and again.json()["error_code"] == "otp_expired"  # single use
    assert sign_in(client, old).json()["error_code"] == "invalid_credentials"
    moved = sign_in(client, new)
    assert moved.status_code == 200 and moved.json()["user"]["id"] == user_id
    assert "AUTH_EMAIL_CHANGED" in audit_actions(superuser, user_id)


def test_email_change_to_a_taken_address_changes_nothing_and_says_nothing(
    client: TestClient,
    gt_account: Callable[[], tuple[str, dict[str, Any]]],
    superuser: psycopg.Connection[Any],
) -> None:
    mine, session = gt_account()
    theirs, _ = gt_account()
    auth = h(client, session["access_token"])
    taken = client.put(f"{V1}/user", headers=auth, json={"email": theirs.upper()})
    free = client.put(f"{V1}/user", headers=auth, json={"email": unique_email("free")})
    assert taken.status_code == free.status_code == 200
    assert set(taken.json()) == set(free.json())
    told = superuser.execute(
        "SELECT subject FROM auth.outbox WHERE lower(to_address) = lower(%s) ORDER BY id DESC LIMIT 1",
        [theirs],
    ).fetchone()
    assert told == ("Email change attempt for your Oxkair account",)
    pending = superuser.execute(
        "SELECT count(*) FROM auth.email_changes WHERE user_id = %s AND lower(new_email) = lower(%s)",
        [session["user"]["id"], theirs],
    ).fetchone()
    assert pending == (0,) and sign_in(client, mine).status_code == 200


def test_email_change_functions_act_for_the_caller_only(superuser: psycopg.Connection[Any]) -> None:
    """Anonymous callers cannot ask; a stolen link token is the only way to apply one, and it
    is the new address's to click."""
    with superuser.transaction():
        superuser.execute("SET LOCAL ROLE oxkair_anon")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            superuser.execute(
                "SELECT auth.request_email_change('x@authtest.example', 'x', 60,"
                " 's', 'b', 's', 'b', 's', 'b')"
            )
    with superuser.transaction():
        superuser.execute("SET LOCAL ROLE oxkair_authenticated")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            superuser.execute("SELECT * FROM auth.email_changes")
