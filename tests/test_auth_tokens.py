"""Access tokens from the attacker's side: forged, alg-confused, expired, foreign, revoked."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from joserfc.jws import JWSRegistry

from oxkair.api import create_app
from oxkair.api.deps import Db
from oxkair.auth.keys import KeyStore, new_key, rotate_keys
from oxkair.auth.tokens import AccessTokens, InvalidToken
from oxkair.config import Settings
from tests.fixtures.api import Account


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def header_of(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture()
def keys(api_settings: Settings, client: TestClient) -> KeyStore:
    return KeyStore.from_settings(api_settings)


def sign(keys: KeyStore, claims: dict[str, Any], **header: Any) -> str:
    key = keys.signing
    return jwt.encode({"alg": "ES256", "kid": key.kid, **header}, claims, key.key, algorithms=["ES256"])


def get_user(client: TestClient, token: str) -> int:
    return client.get("/auth/user", headers={"Authorization": f"Bearer {token}"}).status_code


def test_token_carries_the_claims(make_account: Callable[..., Account], keys: KeyStore) -> None:
    account = make_account()
    header, claims = header_of(account.access_token), claims_of(account.access_token)
    assert header["alg"] == "ES256" and header["kid"] == keys.signing.kid
    assert {"iss", "aud", "sub", "exp", "iat", "session_id", "role", "aal", "email"} <= set(claims)
    assert (
        claims["iss"] == "oxkair" and claims["aud"] == "authenticated" and claims["role"] == "authenticated"
    )
    assert claims["sub"] == account.id and claims["aal"] == "aal1" and claims["email"] == account.email
    assert claims["exp"] - claims["iat"] == 900


def test_jwks_publishes_the_public_keys_only(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account()
    r = client.get("/.well-known/jwks.json")
    assert r.status_code == 200
    jwks = r.json()
    assert all("d" not in k for k in jwks["keys"])
    assert all(k["alg"] == "ES256" and k["use"] == "sig" and k["kty"] == "EC" for k in jwks["keys"])
    # A third party verifies our token with nothing but the JWKS.
    token = jwt.decode(account.access_token, KeySet.import_key_set(jwks), algorithms=["ES256"])
    assert token.claims["sub"] == account.id


def test_a_valid_self_made_token_still_needs_a_live_session(
    make_account: Callable[..., Account], client: TestClient, keys: KeyStore
) -> None:
    account = make_account()
    claims = claims_of(account.access_token)
    assert get_user(client, sign(keys, claims)) == 200  # baseline: same claims, our key
    claims["session_id"] = "00000000-0000-4000-8000-000000000000"
    assert get_user(client, sign(keys, claims)) == 401


@pytest.mark.parametrize("shape", ["100 years", "iat backdated", "no iat", "just too long"])
def test_a_well_signed_token_living_longer_than_we_issue_is_refused(
    make_account: Callable[..., Account], client: TestClient, keys: KeyStore, shape: str
) -> None:
    """Signed with our real key and a live session: only the lifetime is wrong (probe finding)."""
    account = make_account()
    claims = claims_of(account.access_token)
    now = int(time.time())
    if shape == "100 years":
        claims["exp"] = now + 100 * 365 * 86400
    elif shape == "iat backdated":  # exp - now is fine, exp - iat is not
        claims["iat"] = claims["nbf"] = now - 10 * 86400
    elif shape == "no iat":
        del claims["iat"]
    else:
        claims["exp"] = claims["iat"] + 900 + 120
    assert get_user(client, sign(keys, claims)) == 401


def test_tampered_payload_is_refused(make_account: Callable[..., Account], client: TestClient) -> None:
    account = make_account()
    h, _, s = account.access_token.split(".")
    claims = claims_of(account.access_token)
    claims["sub"] = "00000000-0000-4000-8000-000000000001"
    forged = f"{h}.{b64(json.dumps(claims).encode())}.{s}"
    assert get_user(client, forged) == 401


def test_alg_none_is_refused(
    make_account: Callable[..., Account], client: TestClient, keys: KeyStore
) -> None:
    account = make_account()
    claims = claims_of(account.access_token)
    for alg in ("none", "None", "NONE"):
        header = {"alg": alg, "typ": "JWT", "kid": keys.signing.kid}
        token = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."
        assert get_user(client, token) == 401


def test_hmac_signed_with_the_public_key_is_refused(
    make_account: Callable[..., Account], client: TestClient, keys: KeyStore
) -> None:
    """Algorithm confusion: the JWKS/PEM public key used as an HMAC secret."""
    account = make_account()
    claims = claims_of(account.access_token)
    public_pem = keys.signing.key.as_pem(private=False)
    public_jwk = json.dumps(keys.signing.key.as_dict(private=False)).encode()
    for alg, digest in (("HS256", hashlib.sha256), ("HS512", hashlib.sha512)):
        for secret in (public_pem, public_jwk):
            header = {"alg": alg, "typ": "JWT", "kid": keys.signing.kid}
            signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
            sig = hmac.new(secret, signing_input.encode(), digest).digest()
            assert get_user(client, f"{signing_input}.{b64(sig)}") == 401


def test_other_key_with_our_kid_is_refused(
    make_account: Callable[..., Account], client: TestClient, keys: KeyStore
) -> None:
    account = make_account()
    attacker = ECKey.generate_key("P-256")
    token = jwt.encode(
        {"alg": "ES256", "kid": keys.signing.kid},
        claims_of(account.access_token),
        attacker,
        algorithms=["ES256"],
    )
    assert get_user(client, token) == 401


def test_unknown_kid_is_refused(make_account: Callable[..., Account], client: TestClient) -> None:
    account = make_account()
    attacker = ECKey.generate_key("P-256")
    token = jwt.encode(
        {"alg": "ES256", "kid": attacker.thumbprint()},
        claims_of(account.access_token),
        attacker,
        algorithms=["ES256"],
    )
    r = client.get("/auth/user", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and "unknown key" in r.json()["detail"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"exp": -120}, "expired"),
        ({"nbf": 600}, "not yet valid"),
        ({"iat": 600}, "future"),
        ({"iss": "https://evil.example"}, "another issuer"),
        ({"aud": "someone-else"}, "another audience"),
        ({"role": "service_role"}, "role"),
        ({"aal": "aal3"}, "role"),
        ({"sub": "not-a-uuid"}, "subject"),
    ],
)
def test_bad_claims_are_refused(
    make_account: Callable[..., Account],
    client: TestClient,
    keys: KeyStore,
    change: dict[str, Any],
    reason: str,
) -> None:
    account = make_account()
    claims = claims_of(account.access_token)
    now = int(time.time())
    for name, value in change.items():
        claims[name] = now + value if name in ("exp", "nbf", "iat") else value
    r = client.get("/auth/user", headers={"Authorization": f"Bearer {sign(keys, claims)}"})
    assert r.status_code == 401
    assert reason in r.json()["detail"]


def test_missing_exp_is_refused(
    make_account: Callable[..., Account], client: TestClient, keys: KeyStore
) -> None:
    claims = claims_of(make_account().access_token)
    del claims["exp"]
    assert get_user(client, sign(keys, claims)) == 401


def test_revoked_idle_and_expired_sessions_are_refused(
    make_account: Callable[..., Account], client: TestClient, superuser: psycopg.Connection[Any]
) -> None:
    idle, absolute, revoked = make_account(), make_account(), make_account()
    superuser.execute(
        "UPDATE auth.sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = %s", [idle.id]
    )
    superuser.execute(
        "UPDATE auth.sessions SET not_after = now() - interval '1 second' WHERE user_id = %s", [absolute.id]
    )
    superuser.execute("UPDATE auth.sessions SET revoked_at = now() WHERE user_id = %s", [revoked.id])
    for account in (idle, absolute, revoked):
        assert client.get("/auth/user", headers=account.auth).status_code == 401
        assert (
            client.post("/auth/token/refresh", json={"refresh_token": account.refresh_token}).status_code
            == 401
        )


def test_idle_timeout_is_configurable(
    make_client: Callable[..., TestClient],
    make_account: Callable[..., Account],
    superuser: psycopg.Connection[Any],
) -> None:
    c = make_client(oxkair_session_idle_timeout=60)
    account = make_account(via=c)
    superuser.execute(
        "UPDATE auth.sessions SET last_seen_at = now() - interval '61 seconds' WHERE user_id = %s",
        [account.id],
    )
    assert c.get("/auth/user", headers=account.auth).status_code == 401


def test_activity_keeps_a_session_alive(
    make_client: Callable[..., TestClient],
    make_account: Callable[..., Account],
    superuser: psycopg.Connection[Any],
) -> None:
    c = make_client(oxkair_session_idle_timeout=60)
    account = make_account(via=c)
    superuser.execute(
        "UPDATE auth.sessions SET last_seen_at = now() - interval '50 seconds' WHERE user_id = %s",
        [account.id],
    )
    assert c.get("/auth/user", headers=account.auth).status_code == 200
    row = superuser.execute(
        "SELECT now() - last_seen_at < interval '5 seconds' FROM auth.sessions WHERE user_id = %s",
        [account.id],
    ).fetchone()
    assert row == (True,)


def test_rls_context_comes_from_the_verified_token(
    api_pool: Any, api_settings: Settings, make_account: Callable[..., Account]
) -> None:
    router = APIRouter()

    @router.get("/whoami")
    def whoami(db: Db) -> dict[str, Any]:
        with db.transaction() as conn:
            row = conn.execute(
                "SELECT auth.uid()::text, current_user::text, auth.jwt() ->> 'session_id'"
            ).fetchone()
        assert row
        return {"uid": row[0], "role": row[1], "session": row[2]}

    app = create_app(api_settings, pool=api_pool)
    app.include_router(router)
    with TestClient(app, client=("10.251.0.1", 1)) as c:
        account = make_account(via=c)
        r = c.get("/whoami", headers=account.auth)
        assert r.json() == {
            "uid": account.id,
            "role": "oxkair_authenticated",
            "session": claims_of(account.access_token)["session_id"],
        }
        assert c.get("/whoami").status_code == 401


def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(
    api_pool: Any, api_settings: Settings, tmp_path: Path, make_account: Callable[..., Account]
) -> None:
    settings = api_settings.model_copy(update={"oxkair_home": tmp_path / "home"})
    with TestClient(create_app(settings, pool=api_pool), client=("10.251.0.2", 1)) as c:
        account = make_account(via=c)
        key_dir = settings.home / "keys"
        files = list(key_dir.glob("*.pem"))
        assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
        assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
        old_kid = header_of(account.access_token)["kid"]

        new_kid, removed = rotate_keys(key_dir, settings.oxkair_access_token_ttl)
        assert removed == [] and new_kid != old_kid
        assert c.get("/auth/user", headers=account.auth).status_code == 200  # old key still verifies
        fresh = c.post("/auth/token/refresh", json={"refresh_token": account.refresh_token}).json()
        # The running app picks up the new key (directory re-read, throttled to every 10 s).
        app_keys = c.app.state.auth.keys  # type: ignore[attr-defined]
        app_keys._checked = 0.0
        fresh = c.post("/auth/token/refresh", json={"refresh_token": fresh["refresh_token"]}).json()
        assert header_of(fresh["access_token"])["kid"] == new_kid
        kids = {k["kid"] for k in c.get("/.well-known/jwks.json").json()["keys"]}
        assert kids == {old_kid, new_kid}

        # Once the old key's tokens have all expired, the next rotation drops it.
        for path in key_dir.glob("*.pem"):
            created, kid, _ = path.name.split(".")
            os.rename(path, key_dir / f"{int(created) - 2000}.{kid}.pem")
        newest, removed = rotate_keys(key_dir, settings.oxkair_access_token_ttl)
        assert removed == [old_kid]
        app_keys._checked = 0.0
        assert c.get("/auth/user", headers=account.auth).status_code == 401
        assert (
            c.get("/auth/user", headers={"Authorization": f"Bearer {fresh['access_token']}"}).status_code
            == 200
        )


def test_production_keys_come_from_settings(api_settings: Settings, tmp_path: Path) -> None:
    key = ECKey.generate_key("P-256")
    old = ECKey.generate_key("P-256")
    settings = api_settings.model_copy(
        update={
            "oxkair_home": tmp_path,
            "oxkair_signing_key_pem": key.as_pem(private=True).decode(),
            "oxkair_verify_key_pems": [old.as_pem(private=False).decode()],
        }
    )
    store = KeyStore.from_settings(settings)
    assert store.signing.kid == key.thumbprint()
    assert set(store.kids) == {key.thumbprint(), old.thumbprint()}
    assert not (tmp_path / "keys").exists()


# ── The hand-written JWS parsing around cryptography's ECDSA (tokens.AccessTokens.verify): each check
# jwt.decode made, made again, from the forger's side. No database needed: a key store in memory.
USER, SESSION = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"


@pytest.fixture()
def local_tokens() -> AccessTokens:
    return AccessTokens(KeyStore([new_key()]), "oxkair", "authenticated", 900)


def fresh_claims(tokens: AccessTokens) -> dict[str, Any]:
    return claims_of(tokens.issue(user_id=USER, email="a@b.org", session_id=SESSION, aal="aal1")[0])


def raw_sign(tokens: AccessTokens, header: bytes, payload: bytes) -> str:
    """A compact JWS over exactly these bytes with our real signing key (the worst case)."""
    signing_input = f"{b64(header)}.{b64(payload)}"
    alg = JWSRegistry.algorithms["ES256"]
    return f"{signing_input}.{b64(alg.sign(signing_input.encode(), tokens.keys.signing.key))}"


def refused(tokens: AccessTokens, token: str) -> str:
    with pytest.raises(InvalidToken) as info:
        tokens.verify(token, use_cache=False)
    return str(info.value)


def test_verify_accepts_our_tokens(local_tokens: AccessTokens) -> None:
    """Baseline for the tests below: raw_sign with our header shape and claims verifies."""
    kid = local_tokens.keys.signing.kid
    payload = json.dumps(fresh_claims(local_tokens)).encode()
    for header in ({"alg": "ES256", "kid": kid}, {"alg": "ES256", "kid": kid, "typ": "JWT"}):
        token = raw_sign(local_tokens, json.dumps(header).encode(), payload)
        assert local_tokens.verify(token, use_cache=False)["sub"] == USER


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"crit": ["exp"], "exp": 1}, "header not accepted"),  # a critical extension we don't know
        ({"b64": False, "crit": ["b64"]}, "header not accepted"),  # RFC 7797 unencoded payload
        ({"jku": "https://evil.example/jwks"}, "header not accepted"),
        ({"jwk": {"kty": "EC"}}, "header not accepted"),
        ({"typ": "at+jwt"}, "header not accepted"),
        ({"kid": 7}, "no key id"),
        ({"kid": None}, "no key id"),
        ({"alg": "ES384"}, "algorithm not accepted"),
        ({"alg": "RS256"}, "algorithm not accepted"),
    ],
)
def test_well_signed_token_with_a_foreign_header_is_refused(
    local_tokens: AccessTokens, extra: dict[str, Any], reason: str
) -> None:
    header = {"alg": "ES256", "kid": local_tokens.keys.signing.kid, "typ": "JWT", **extra}
    payload = json.dumps(fresh_claims(local_tokens)).encode()
    token = raw_sign(local_tokens, json.dumps(header).encode(), payload)
    assert reason in refused(local_tokens, token)


@pytest.mark.parametrize("payload", [b"[1, 2]", b'"claims"', b"null", b"{not json", b"\xff\xfe"])
def test_well_signed_payload_that_is_not_a_json_object_is_refused(
    local_tokens: AccessTokens, payload: bytes
) -> None:
    header = json.dumps({"alg": "ES256", "kid": local_tokens.keys.signing.kid}).encode()
    assert "malformed" in refused(local_tokens, raw_sign(local_tokens, header, payload))


@pytest.mark.parametrize("header", [b"[]", b"{not json", b"\xff"])
def test_header_that_is_not_a_json_object_is_refused(local_tokens: AccessTokens, header: bytes) -> None:
    token = raw_sign(local_tokens, header, json.dumps(fresh_claims(local_tokens)).encode())
    assert "malformed" in refused(local_tokens, token)


def test_signature_encodings_and_lengths_are_checked(local_tokens: AccessTokens) -> None:
    token = local_tokens.issue(user_id=USER, email="a@b.org", session_id=SESSION, aal="aal1")[0]
    h, p, s = token.split(".")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    assert len(raw) == 64
    bad = {
        "empty": "",
        "truncated": b64(raw[:63]),
        "padded": b64(raw + b"\0"),
        "DER instead of r||s": b64(b"0D\x02 " + raw[:32] + b"\x02 " + raw[32:]),
        "standard alphabet": base64.b64encode(raw).decode(),
        "with padding": s + "=" * (-len(s) % 4 or 4),
        "other key's": b64(JWSRegistry.algorithms["ES256"].sign(f"{h}.{p}".encode(), new_key().key)),
    }
    for name, sig in bad.items():
        assert "signature" in refused(local_tokens, f"{h}.{p}.{sig}"), name
    for shape in (f"{h}.{p}", f"{h}.{p}.{s}.{s}", f"{h}.{p}.{s}é", "a" * 9000):
        assert "malformed" in refused(local_tokens, shape)


@pytest.mark.parametrize("value", [f"{{{USER}}}", f"urn:uuid:{USER}", USER.replace("-", ""), 1, None, ""])
def test_subject_and_session_must_be_plain_uuids(local_tokens: AccessTokens, value: Any) -> None:
    for claim in ("sub", "session_id"):
        claims = fresh_claims(local_tokens)
        claims[claim] = value
        header = json.dumps({"alg": "ES256", "kid": local_tokens.keys.signing.kid}).encode()
        token = raw_sign(local_tokens, header, json.dumps(claims).encode())
        assert "subject or session" in refused(local_tokens, token)


def test_a_cached_header_does_not_outlive_its_key(local_tokens: AccessTokens) -> None:
    """Headers are cached per segment; the key behind the kid is looked up every time."""
    old = local_tokens.keys.signing
    token = local_tokens.issue(user_id=USER, email="a@b.org", session_id=SESSION, aal="aal1")[0]
    assert local_tokens.verify(token, use_cache=False)["sub"] == USER
    local_tokens.keys._set([new_key()])  # the old key removed (as a rotation does)
    assert local_tokens.keys.signing.kid != old.kid
    assert "unknown key" in refused(local_tokens, token)


def test_header_cache_is_bounded(local_tokens: AccessTokens) -> None:
    kid = local_tokens.keys.signing.kid
    payload = json.dumps(fresh_claims(local_tokens)).encode()
    for i in range(300):  # valid-looking headers anyone can mint: whitespace makes them distinct
        header = ('{"alg": "ES256",' + " " * i + f'"kid": "{kid}"}}').encode()
        assert local_tokens.verify(raw_sign(local_tokens, header, payload), use_cache=False)
    assert len(local_tokens._headers) <= 64


def test_verify_accepts_nothing_joserfc_refuses(local_tokens: AccessTokens) -> None:
    """Differential: every one-character change of a real token, through ours and jwt.decode."""
    token = local_tokens.issue(user_id=USER, email="a@b.org", session_id=SESSION, aal="aal1")[0]
    key = local_tokens.keys.signing.key
    accepted = 0
    for i in range(len(token)):
        for c in ("A", "_", ".", "="):
            forged = token[:i] + c + token[i + 1 :]
            if forged == token:
                continue
            try:
                local_tokens.verify(forged, use_cache=False)
            except InvalidToken:
                continue
            accepted += 1  # only a base64 tail bit change can decode to the same bytes
            jwt.decode(forged, key, algorithms=["ES256"])  # raises if joserfc would refuse it
    assert accepted < 4
