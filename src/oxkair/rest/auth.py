"""Who a /rest/v1 request acts as: the verified access token of `Authorization: Bearer` (the same
verification as the rest of the API), or oxkair_anon when there is none or it is the apikey
itself (supabase-js sends the anon key as the bearer before anyone signs in)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials

from oxkair.api.deps import get_claims
from oxkair.auth.errors import AuthError
from oxkair.rest.errors import RestError, jwt_error

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


async def rest_claims(request: Request) -> dict[str, Any] | None:
    """Verified claims, None for anonymous; PGRST301/PGRST303 (401) for a token that is refused."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise jwt_error("PGRST301", "Empty JWT is sent in Authorization header")
    if token == request.headers.get("apikey"):
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
