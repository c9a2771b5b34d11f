"""The anon key of the Supabase-compatible endpoints: an ES256 JWT with role anon, like Supabase's.

It identifies the deployment and grants nothing: it ships in the front end's bundle (public by
design), and a request bearing it acts as oxkair_anon, exactly like one without it. So it is
checked by its claims (this deployment's issuer, role anon, not expired), not by its signature:
a key rotation must not break every deployed front end, and forging it gains nothing that
copying it from the bundle would not.
"""

from __future__ import annotations

import time
from typing import Any

from joserfc import jwt

from oxkair.auth.keys import ALGORITHM, KeyStore
from oxkair.auth.tokens import InvalidToken, unverified_header_and_claims

ROLE = "anon"
LIFETIME_SECONDS = 10 * 365 * 24 * 3600  # Supabase's anon keys live ten years too


def issue_anon_key(keys: KeyStore, issuer: str) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {"iss": issuer, "role": ROLE, "iat": now, "exp": now + LIFETIME_SECONDS}
    signing = keys.signing
    return jwt.encode({"alg": ALGORITHM, "kid": signing.kid, "typ": "JWT"}, claims, signing.key,
                      algorithms=[ALGORITHM])


def is_anon_key(value: str, issuer: str) -> bool:
    """Whether `value` is this deployment's anon key (by its claims; see the module docstring)."""
    try:
        header, claims = unverified_header_and_claims(value)
    except InvalidToken:
        return False
    exp = claims.get("exp")
    return (
        header.get("alg") == ALGORITHM
        and claims.get("iss") == issuer
        and claims.get("role") == ROLE
        and isinstance(exp, int | float)
        and not isinstance(exp, bool)
        and exp > time.time()
    )
