"""TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of drift) and recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
CHALLENGE_SECONDS = 300
CHALLENGE_ATTEMPTS = 5


def new_secret() -> str:
    return pyotp.random_base32(32)  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, email: str, issuer: str = "Oxkair") -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_modules(uri: str) -> list[str]:
    """The QR code of a provisioning URI as rows of "0"/"1" (dark) modules, without the quiet
    zone: the page draws it (no image, so the strict Content-Security-Policy holds)."""
    code = segno.make(uri, error="m")
    return ["".join("1" if dark else "0" for dark in row) for row in code.matrix_iter(scale=1, border=0)]


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, last_used_step: int, now: float | None = None) -> int | None:
    """The time step whose code this is (newer than the last one used), else None."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    here = current_step(now)
    found = None
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        # Every candidate is compared (constant work), in constant time.
        if hmac.compare_digest(totp.generate_otp(step), code) and step > last_used_step:
            found = step
    return found


def new_recovery_codes() -> list[str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(code: str) -> bytes:
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalized.encode("utf-8")).digest()
