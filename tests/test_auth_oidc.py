"""External OIDC issuer (Entra External ID / B2C): a locally generated issuer key, its JWKS
served by the test; tokens accepted, users linked by subject, forgeries refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.fixtures.api import Account, unique_email

ISSUER = "https://oxkairtest.ciamlogin.example/tenant-id/v2.0"
AUDIENCE = "api://oxkair"


class Issuer:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048)
        self.kid = self.key.thumbprint()
        self.url = ""

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self.key.as_dict(private=False), "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(self, sub: str, email: str | None = None, **override: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": sub,
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "email": email or unique_email("ext"),
            "tid": "tenant-id",
        }
        claims.update(override)
        return jwt.encode({"alg": "RS256", "kid": self.kid}, claims, self.key, algorithms=["RS256"])


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    the_issuer = Issuer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = json.dumps(the_issuer.jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    the_issuer.url = f"http://127.0.0.1:{httpd.server_address[1]}/discovery/v2.0/keys"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield the_issuer
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def oidc_client(make_client: Callable[..., TestClient], issuer: Issuer) -> TestClient:
    return make_client(
        oxkair_oidc_issuer=ISSUER, oxkair_oidc_audience=AUDIENCE, oxkair_oidc_jwks_url=issuer.url
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_external_token_links_a_user_by_subject(
    oidc_client: TestClient, issuer: Issuer, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    sub, email = secrets.token_hex(8), unique_email("ext")
    r = oidc_client.get("/auth/user", headers=bearer(issuer.token(sub, email)))
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["email"] == email and me["has_profile"] is False
    row = superuser.execute(
        "SELECT external_issuer, external_subject, password_hash FROM auth.users WHERE id = %s", [me["id"]]
    ).fetchone()
    assert row == (ISSUER, sub, None)
    # The same subject is the same user, whatever address its next token carries.
    again = oidc_client.get("/auth/user", headers=bearer(issuer.token(sub, unique_email("ext")))).json()
    assert again["id"] == me["id"]
    # Profile completed through the signup form, no password.
    r = oidc_client.post(
        "/auth/signup",
        json={
            "email": email,
            "first_name": "Eve",
            "last_name": "Ext",
            "user_category": "Provider",
            "institution_id": institution_id,
        },
        headers=bearer(issuer.token(sub, email)),
    )
    assert r.status_code == 202, r.text
    me = oidc_client.get("/auth/user", headers=bearer(issuer.token(sub, email))).json()
    assert me["has_profile"] is True and me["user_category"] == "Provider"
    r = oidc_client.post(
        "/auth/signup",
        json={
            "email": email,
            "first_name": "Eve",
            "last_name": "Ext",
            "user_category": "Medical Coder",
            "institution_id": institution_id,
        },
        headers=bearer(issuer.token(sub, email)),
    )
    assert r.status_code == 409


def test_external_user_cannot_take_over_a_password_account(
    oidc_client: TestClient, issuer: Issuer, make_account: Callable[..., Account]
) -> None:
    account = make_account()
    r = oidc_client.get("/auth/user", headers=bearer(issuer.token(secrets.token_hex(8), account.email)))
    assert r.status_code == 409


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "override",
    [
        {"aud": "api://someone-else"},
        {"exp": int(time.time()) - 300},
        {"nbf": int(time.time()) + 600},
    ],
)
def test_bad_external_claims_are_refused(
    oidc_client: TestClient, issuer: Issuer, override: dict[str, Any]
) -> None:
    assert (
        oidc_client.get(
            "/auth/user", headers=bearer(issuer.token(secrets.token_hex(8), **override))
        ).status_code
        == 401
    )


def test_external_forgeries_are_refused(oidc_client: TestClient, issuer: Issuer) -> None:
    good = issuer.token(secrets.token_hex(8))
    header, payload, _ = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    # another key with the issuer's kid
    other = RSAKey.generate_key(2048)
    forged = jwt.encode({"alg": "RS256", "kid": issuer.kid}, claims, other, algorithms=["RS256"])
    assert oidc_client.get("/auth/user", headers=bearer(forged)).status_code == 401
    # alg none
    none = f"{b64(json.dumps({'alg': 'none', 'kid': issuer.kid}).encode())}.{payload}."
    assert oidc_client.get("/auth/user", headers=bearer(none)).status_code == 401
    # HS256 keyed with the published public key
    pem = issuer.key.as_pem(private=False)
    hs_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': issuer.kid}).encode())}.{payload}"
    hs = f"{hs_input}.{b64(hmac.new(pem, hs_input.encode(), hashlib.sha256).digest())}"
    assert oidc_client.get("/auth/user", headers=bearer(hs)).status_code == 401
    # tampered payload
    claims["sub"] = "someone-else"
    tampered = f"{header}.{b64(json.dumps(claims).encode())}.{good.split('.')[2]}"
    assert oidc_client.get("/auth/user", headers=bearer(tampered)).status_code == 401


def test_issuer_tokens_are_refused_when_no_issuer_is_configured(client: TestClient, issuer: Issuer) -> None:
    assert client.get("/auth/user", headers=bearer(issuer.token(secrets.token_hex(8)))).status_code == 401


def test_local_tokens_keep_working_beside_the_issuer(
    oidc_client: TestClient, make_account: Callable[..., Account]
) -> None:
    account = make_account(via=oidc_client)
    assert oidc_client.get("/auth/user", headers=account.auth).status_code == 200
