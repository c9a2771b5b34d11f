"""External OIDC issuer (Entra External ID / Azure AD B2C): verify its tokens against its JWKS."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from oxkair.auth.tokens import InvalidToken, check_audience, check_time_claims, unverified_header_and_claims

# Asymmetric only: HS* (a "secret" anyone can read from the JWKS) and `none` are never accepted.
ALGORITHMS = ("RS256", "ES256")
REFETCH_SECONDS = 30.0


class ExternalIssuer:
    """Tokens of one configured issuer; the JWKS is fetched lazily and again on an unknown kid."""

    def __init__(self, issuer: str, audience: str, jwks_url: str, timeout: float = 5.0) -> None:
        self.issuer, self.audience, self.jwks_url, self.timeout = issuer, audience, jwks_url, timeout
        self._keys: KeySet | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()

    def _key_set(self, kid: str) -> KeySet:
        with self._lock:
            known = self._keys is not None and any(k.kid == kid for k in self._keys.keys)
            stale = not known and time.monotonic() - self._fetched >= REFETCH_SECONDS
            if self._keys is None or stale:
                try:
                    response = httpx.get(self.jwks_url, timeout=self.timeout)
                    response.raise_for_status()
                    self._keys = KeySet.import_key_set(response.json())
                except (httpx.HTTPError, ValueError, JoseError) as exc:
                    raise InvalidToken("the identity provider's keys are unavailable") from exc
                finally:
                    self._fetched = time.monotonic()
            return self._keys

    def verify(self, token: str) -> dict[str, Any]:
        header, _ = unverified_header_and_claims(token)
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALGORITHMS:
            raise InvalidToken("token algorithm not accepted")
        if not isinstance(kid, str):
            raise InvalidToken("token has no key id")
        keys = self._key_set(kid)
        key = next((k for k in keys.keys if k.kid == kid), None)
        if key is None:
            raise InvalidToken("token signed by an unknown key")
        if (alg == "RS256") != (key.key_type == "RSA") or (alg == "ES256") != (key.key_type == "EC"):
            raise InvalidToken("token algorithm does not match its key")
        try:
            claims = jwt.decode(token, key, algorithms=[alg]).claims
        except (JoseError, ValueError, TypeError) as exc:
            raise InvalidToken("token signature is not valid") from exc
        if claims.get("iss") != self.issuer:
            raise InvalidToken("token from another issuer")
        check_audience(claims, self.audience)
        check_time_claims(claims, time.time())
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise InvalidToken("token has no subject")
        return claims


def email_of(claims: dict[str, Any]) -> tuple[str | None, bool]:
    """The address an Entra/B2C token carries (`email`, B2C's `emails`), and whether verified."""
    email = claims.get("email")
    if not email and isinstance(claims.get("emails"), list) and claims["emails"]:
        email = claims["emails"][0]
    if not isinstance(email, str) or "@" not in email:
        return None, False
    # B2C and External ID only issue addresses they verified unless told otherwise.
    return email, claims.get("email_verified", True) is not False
