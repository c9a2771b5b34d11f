"""Access tokens: ES256 JWTs with kid; a verifier that pins the algorithm and every claim."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from joserfc import jwt
from joserfc.util import urlsafe_b64decode

from oxkair.auth.keys import ALGORITHM, KeyStore

LEEWAY_SECONDS = 30
MAX_TOKEN_LENGTH = 8192
ROLE = "authenticated"
TOKEN_TYPE = "bearer"  # noqa: S105 - the OAuth token type, not a secret
# The only header members our tokens carry; anything else (`crit`, `jku`, `x5u`, `b64`, ...) is
# not one of our tokens. `typ` may be absent (RFC 7519 makes it optional).
HEADER_MEMBERS = frozenset({"alg", "kid", "typ"})
# ES256 is ECDSA over P-256 with SHA-256 (RFC 7518 3.4); one instance for every verify.
_ES256 = ec.ECDSA(hashes.SHA256())
_HEADER_CACHE_SIZE = 64
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{85}[AQgw]")
_URLSAFE = bytes.maketrans(b"-_", b"+/")
_NUMBER = (int, float)  # a tuple: `int | float` builds a new union object at every call
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# A token that only continues a sign-in with MFA (GoTrue's aal1 session of an MFA user) carries
# its challenge here; every verifier but verify_pending refuses it.
PENDING_CLAIM = "mfa_challenge"


def app_metadata() -> dict[str, Any]:
    """GoTrue's app_metadata of an email-and-password account (a fresh dict each time)."""
    return {"provider": "email", "providers": ["email"]}


# GoTrue's amr entries ({method, timestamp}) for our method names.
AMR_METHODS = {"pwd": "password", "otp": "totp", "recovery_code": "recovery_code", "oidc": "oidc"}


class InvalidToken(Exception):
    """A token that must not be trusted; the message is safe to show (no token content)."""


def _b64json(segment: str) -> dict[str, Any]:
    padded = segment + "=" * (-len(segment) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def unverified_header_and_claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims WITHOUT verification: only to route a token to its verifier."""
    parts = token.split(".")
    if len(parts) != 3 or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("malformed token")
    try:
        return _b64json(parts[0]), _b64json(parts[1])
    except (ValueError, UnicodeError) as exc:
        raise InvalidToken("malformed token") from exc


def check_time_claims(claims: dict[str, Any], now: float) -> None:
    exp, nbf, iat = claims.get("exp"), claims.get("nbf"), claims.get("iat")
    if not isinstance(exp, _NUMBER) or isinstance(exp, bool):
        raise InvalidToken("token has no expiry")
    if exp <= now - LEEWAY_SECONDS:
        raise InvalidToken("token expired")
    if nbf is not None and (not isinstance(nbf, _NUMBER) or nbf > now + LEEWAY_SECONDS):
        raise InvalidToken("token not yet valid")
    if iat is not None and (not isinstance(iat, _NUMBER) or iat > now + LEEWAY_SECONDS):
        raise InvalidToken("token issued in the future")


def check_audience(claims: dict[str, Any], audience: str) -> None:
    aud = claims.get("aud")
    if not (aud == audience or (isinstance(aud, list) and audience in aud)):
        raise InvalidToken("token is for another audience")


class AccessTokens:
    """Issues and verifies this service's own access tokens."""

    def __init__(
        self, keys: KeyStore, issuer: str, audience: str, ttl: int, cache_size: int = 10_000
    ) -> None:
        self.keys, self.issuer, self.audience, self.ttl = keys, issuer, audience, ttl
        # Verified tokens (token -> claims): a client sends one token many times; its signature
        # cannot become invalid, and expiry and key removal are re-checked on every hit.
        self._cache: OrderedDict[str, tuple[dict[str, Any], str]] = OrderedDict()
        self._cache_size = cache_size
        self._headers: dict[str, str] = {}  # header segment -> kid, for headers that passed
        self._lock = threading.Lock()

    def issue(
        self, *, user_id: str, email: str, session_id: str, aal: str, amr: list[str] | None = None
    ) -> tuple[str, int]:
        """A signed access token and its lifetime in seconds."""
        self.keys.refresh()
        signing = self.keys.signing
        now = int(time.time())
        claims = self._claims(user_id, email, session_id, aal, amr or ["pwd"], now, self.ttl)
        token = jwt.encode(
            {"alg": ALGORITHM, "kid": signing.kid, "typ": "JWT"}, claims, signing.key, algorithms=[ALGORITHM]
        )
        return token, self.ttl

    def _claims(
        self, user_id: str, email: str, session_id: str, aal: str, amr: list[str], now: int, ttl: int
    ) -> dict[str, Any]:
        """GoTrue's access-token claims (supabase-js reads aal, amr, session_id, is_anonymous);
        user_metadata stays empty: names are not needed to authorise and tokens travel widely."""
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user_id,
            "email": email,
            "phone": "",
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "session_id": session_id,
            "role": ROLE,
            "aal": aal,
            "amr": [{"method": AMR_METHODS.get(m, m), "timestamp": now} for m in amr],
            "app_metadata": app_metadata(),
            "user_metadata": {},
            "is_anonymous": False,
            "jti": uuid.uuid4().hex,
        }

    def issue_pending(self, *, user_id: str, email: str, challenge: str, ttl: int) -> tuple[str, int]:
        """A token that stands for a sign-in waiting for its second factor (GoTrue's aal1
        session of an MFA user). It opens nothing: verify() refuses it; only the /auth/v1 MFA
        routes take it (verify_pending), to complete `challenge` with a code."""
        self.keys.refresh()
        signing = self.keys.signing
        now, ttl = int(time.time()), min(ttl, self.ttl)
        claims = self._claims(user_id, email, pending_session_id(challenge), "aal1", ["pwd"], now, ttl)
        claims[PENDING_CLAIM] = challenge
        token = jwt.encode(
            {"alg": ALGORITHM, "kid": signing.kid, "typ": "JWT"}, claims, signing.key, algorithms=[ALGORITHM]
        )
        return token, ttl

    def verify_pending(self, token: str) -> dict[str, Any]:
        """Claims of a valid pending-MFA token of ours, else InvalidToken."""
        claims, _ = self._decode(token)
        self._check_claims(claims, time.time(), pending=True)
        return claims

    def verify(self, token: str, *, use_cache: bool = True) -> dict[str, Any]:
        """Claims of a valid token of ours, else InvalidToken. Session revocation is checked
        by the caller (sessions.SessionCheck), which needs the database."""
        now = time.time()
        self.keys.refresh()  # throttled: notices rotated or removed keys within 10 s
        if use_cache:
            with self._lock:
                hit = self._cache.get(token)
            if hit is not None:
                claims, cached_kid = hit
                if cached_kid in self.keys.kids:
                    check_time_claims(claims, now)
                    return claims
        claims, kid = self._decode(token)
        self._check_claims(claims, now)
        if use_cache:
            with self._lock:
                self._cache[token] = (claims, kid)
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return claims

    def _decode(self, token: str) -> tuple[dict[str, Any], str]:
        """Claims (not yet checked) and key id of a token whose signature one of our keys verifies.

        Hand-written JWS compact parsing around `cryptography`'s ECDSA verify (what joserfc's
        ES256 calls): jwt.decode spent as long parsing as the curve took (0.52x a raw P-256
        verify, bench/auth.py), and joserfc's ES256 object rebuilds the hash and ECDSA objects
        and looks the key up on every call. Here each part is decoded once, the header (the same
        few bytes for every token of a key) is checked once per distinct value, and the claims
        are decoded (orjson) only once the signature holds."""
        parts = token.split(".")
        if len(parts) != 3 or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise InvalidToken("malformed token")
        kid = self._header_kid(parts[0])
        key = self.keys.get(kid)
        if key is None:
            raise InvalidToken("token signed by an unknown key")
        # An ES256 signature is 64 bytes: exactly 86 base64url characters, the last one with no
        # stray low bits (what joserfc's strict decoder checks, in one regex).
        if not _SIGNATURE.fullmatch(parts[2]):
            raise InvalidToken("token signature is not valid")
        signature = binascii.a2b_base64(parts[2].encode("ascii").translate(_URLSAFE) + b"==")
        # The JWS signature is r || s, 32 bytes each; cryptography takes DER.
        der = encode_dss_signature(int.from_bytes(signature[:32]), int.from_bytes(signature[32:]))
        try:
            key.verifier.verify(der, f"{parts[0]}.{parts[1]}".encode("ascii"), _ES256)
        except InvalidSignature as exc:
            raise InvalidToken("token signature is not valid") from exc
        try:  # signed text now: a plain decode of it is enough (orjson rejects invalid UTF-8)
            payload = parts[1].encode("ascii").translate(_URLSAFE) + b"=" * (-len(parts[1]) % 4)
            claims = orjson.loads(binascii.a2b_base64(payload))
        except (ValueError, UnicodeError) as exc:  # orjson.JSONDecodeError is a ValueError
            raise InvalidToken("malformed token") from exc
        if not isinstance(claims, dict):
            raise InvalidToken("malformed token")
        return claims, kid

    def _header_kid(self, segment: str) -> str:
        """The kid of a header that pins ES256 and carries only our members; else InvalidToken."""
        kid = self._headers.get(segment)
        if kid is not None:
            return kid
        try:
            header = json.loads(urlsafe_b64decode(segment.encode("ascii")))
        except (ValueError, UnicodeError) as exc:
            raise InvalidToken("malformed token") from exc
        if not isinstance(header, dict):
            raise InvalidToken("malformed token")
        if header.get("alg") != ALGORITHM:  # pins ES256: no `none`, no HS256-with-public-key
            raise InvalidToken("token algorithm not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("token has no key id")
        if not header.keys() <= HEADER_MEMBERS or header.get("typ", "JWT") != "JWT":
            raise InvalidToken("token header not accepted")
        # Only the kid is cached (the key is looked up on every call, so removal still bites);
        # anyone can mint valid-looking headers, so the map is bounded and simply starts over.
        with self._lock:
            if len(self._headers) >= _HEADER_CACHE_SIZE:
                self._headers.clear()
            self._headers[segment] = kid
        return kid

    def _check_claims(self, claims: dict[str, Any], now: float, *, pending: bool = False) -> None:
        if (PENDING_CLAIM in claims) != pending:
            raise InvalidToken("this token only continues a sign-in with MFA" if not pending
                               else "not a sign-in waiting for MFA")
        if pending and not isinstance(claims.get(PENDING_CLAIM), str):
            raise InvalidToken("not a sign-in waiting for MFA")
        if claims.get("iss") != self.issuer:
            raise InvalidToken("token from another issuer")
        check_audience(claims, self.audience)
        check_time_claims(claims, now)
        # A token living longer than we issue them is not one of ours, however well signed (a
        # leaked signing key, or a bug, minting a token for 100 years): exp - iat and exp - now
        # are both bounded by the configured lifetime.
        iat, exp, longest = claims.get("iat"), claims["exp"], self.ttl + LEEWAY_SECONDS
        if not isinstance(iat, _NUMBER) or isinstance(iat, bool):
            raise InvalidToken("token has no issue time")
        if exp - iat > longest or exp - now > longest:
            raise InvalidToken("token lifetime longer than this service issues")
        if claims.get("role") != ROLE or claims.get("aal") not in ("aal1", "aal2"):
            raise InvalidToken("token has no valid role")
        # The hyphenated form we issue (str(uuid)); a regex costs a fifth of two uuid.UUID().
        sub, session = claims.get("sub"), claims.get("session_id")
        if not (isinstance(sub, str) and _UUID.fullmatch(sub)) or not (
            isinstance(session, str) and _UUID.fullmatch(session)
        ):
            raise InvalidToken("token has no valid subject or session")


def pending_session_id(challenge: str) -> str:
    """The session_id of a pending-MFA token (and GoTrue's challenge id): derived from the
    challenge, a UUID that names no session, so no session check can ever accept it."""
    return str(uuid.UUID(bytes=hashlib.sha256(b"oxkair-mfa:" + challenge.encode()).digest()[:16], version=4))
