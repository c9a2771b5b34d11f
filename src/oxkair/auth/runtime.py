"""What a running API holds for authentication: keys, token verifier, session check, OIDC."""

from __future__ import annotations

import threading
import time
from typing import Any

from oxkair.auth.errors import AuthError, unauthorized
from oxkair.auth.keys import KeyStore
from oxkair.auth.oidc import ExternalIssuer, email_of
from oxkair.auth.sessions import SessionCheck
from oxkair.auth.tokens import ROLE, AccessTokens, InvalidToken, unverified_header_and_claims
from oxkair.config import Settings
from oxkair.db import as_end_user


class AuthRuntime:
    """Built once per application (create_app's lifespan), shared by every request."""

    def __init__(self, settings: Settings, pool: Any, keys: KeyStore | None = None) -> None:
        self.settings, self.pool = settings, pool
        self.keys = keys or KeyStore.from_settings(settings)
        self.tokens = AccessTokens(
            self.keys,
            settings.oxkair_jwt_issuer,
            settings.oxkair_jwt_audience,
            settings.oxkair_access_token_ttl,
        )
        self.sessions = SessionCheck(pool, settings.oxkair_session_cache_seconds)
        self.external: ExternalIssuer | None = None
        if settings.oxkair_oidc_issuer and settings.oxkair_oidc_audience and settings.oxkair_oidc_jwks_url:
            self.external = ExternalIssuer(
                settings.oxkair_oidc_issuer, settings.oxkair_oidc_audience, settings.oxkair_oidc_jwks_url
            )
        self._links: dict[tuple[str, str], tuple[str, str, float]] = {}
        self._links_lock = threading.Lock()

    def is_external(self, token: str) -> bool:
        if self.external is None:
            return False
        _, claims = unverified_header_and_claims(token)
        return claims.get("iss") == self.external.issuer

    def verify_local(self, token: str) -> dict[str, Any]:
        """Signature and claims of one of our tokens (no database); InvalidToken otherwise."""
        return self.tokens.verify(token)

    def authenticate(self, token: str, client_addr: str | None) -> dict[str, Any]:
        """The claims a request acts with (RLS context), from a verified token only."""
        try:
            if self.is_external(token):
                return self._external_claims(token, client_addr)
            claims = self.tokens.verify(token)
        except InvalidToken as exc:
            raise unauthorized(str(exc)) from exc
        if not self.sessions.check(claims["session_id"], client_addr):
            raise unauthorized("session ended; sign in again")
        return claims

    def _external_claims(self, token: str, client_addr: str | None) -> dict[str, Any]:
        assert self.external is not None
        ext = self.external.verify(token)
        key = (ext["iss"], ext["sub"])
        with self._links_lock:
            link = self._links.get(key)
        if link is None or link[2] < time.monotonic():
            email, verified = email_of(ext)
            if email is None:
                raise AuthError(403, "the identity provider's token carries no email address")
            with self.pool.connection() as conn, as_end_user(conn, None, client_addr):
                row = conn.execute(
                    "SELECT user_id, email, usable FROM auth.link_external_user(%s, %s, %s, %s)",
                    [ext["iss"], ext["sub"], email, verified],
                ).fetchone()
            if not row or not row[2]:
                raise AuthError(403, "this account is disabled")
            link = (
                str(row[0]),
                str(row[1]),
                time.monotonic() + max(self.settings.oxkair_session_cache_seconds, 0),
            )
            with self._links_lock:
                self._links[key] = link
        return {
            "iss": ext["iss"],
            "aud": self.settings.oxkair_jwt_audience,
            "sub": link[0],
            "email": link[1],
            "role": ROLE,
            "aal": "aal1",
            "amr": ["oidc"],
            "exp": ext["exp"],
            "external_subject": ext["sub"],
        }
