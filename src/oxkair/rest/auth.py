"""Who a /rest/v1 request acts as: the verified access token of `Authorization: Bearer` (the same
verification as the rest of the API), or oxkair_anon when there is none or it is the anon
key (supabase-js sends it as the bearer before anyone signs in). The apikey itself is checked first
(require_apikey), as Supabase's gateway does."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials

from oxkair.api.deps import get_claims
from oxkair.auth.anon_key import is_anon_key
from oxkair.auth.errors import AuthError
from oxkair.rest.errors import BAD_APIKEY, NO_APIKEY, RestError, jwt_error

# Our verifier's reasons → PostgREST's words (Error.hs JwtError) where it has them.
_CLAIMS = {
    "token expired": "JWT expired",
    "token not yet valid": "JWT not yet valid",
    "token issued in the future": "JWT issued at future",
    "token is for another audience": "JWT not in audience",
}
_DECODE = {
    "token algorithm not accepted": "Wrong or unsupported encoding algorithm",
    "token algorithm does not match its key": "Wrong or unsupported encoding algorithm",
    "token has no key id": "No suitable key or wrong key type",
    "token signed by an unknown key": "No suitable key or wrong key type",
    "token signature is not valid": "JWT cryptographic operation failed",
}


def require_apikey(request: Request) -> None:
    """What Supabase's gateway checks before PostgREST: this deployment's anon key in `apikey`
    (header, or url param). It grants nothing (see oxkair.auth.anon_key); it keeps requests that
    were not made for this deployment out, as Supabase's gateway does."""
    key = request.headers.get("apikey") or request.query_params.get("apikey")
    if not key:
        raise NO_APIKEY
    if not is_anon_key(key, request.app.state.settings.oxkair_jwt_issuer):
        raise BAD_APIKEY


async def rest_claims(request: Request) -> dict[str, Any] | None:
    """Verified claims, None for anonymous; PGRST301/PGRST303 (401) for a token that is refused."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise jwt_error("PGRST301", "Empty JWT is sent in Authorization header")
    if is_anon_key(token, request.app.state.settings.oxkair_jwt_issuer):
        return None
    if token.count(".") != 2:
        raise jwt_error("PGRST301", f"Expected 3 parts in JWT; got {token.count('.') + 1}")
    try:
        return await get_claims(request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=token))
    except AuthError as exc:
        raise _refused(exc.detail) from exc


def _refused(reason: str) -> RestError:
    if reason in _DECODE:
        return jwt_error("PGRST301", _DECODE[reason])
    if reason == "malformed token":
        return jwt_error("PGRST301", "JWT couldn't be decoded")
    return jwt_error("PGRST303", _CLAIMS.get(reason, reason))
