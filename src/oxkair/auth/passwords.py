"""Passwords: argon2id (OWASP parameters), migrated bcrypt verified and re-hashed; the policy."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib.resources import files

from pwdlib import PasswordHash
from pwdlib.exceptions import HashVerificationError, UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (its first configuration).
ARGON2_MEMORY_KIB = 19_456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
MAX_PASSWORD_CHARS = 256  # argon2 cost does not grow with length, but bodies should stay small
BCRYPT_MAX_BYTES = 72  # bcrypt reads no further; GoTrue (Go's bcrypt) refuses longer passwords

_hasher = PasswordHash(
    (
        Argon2Hasher(
            time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM
        ),
        BcryptHasher(),  # verify only: Supabase/GoTrue hashes ($2a$/$2b$/$2y$), re-hashed on login
    )
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("oxkair timing equaliser")


def verify_password(password: str, stored: str | None) -> tuple[bool, str | None]:
    """(valid, new hash to store or None). Unknown emails, empty or foreign hashes still cost
    one argon2 verification, so the answer time says nothing about the account."""
    if not stored:
        _hasher.verify(password, _dummy_hash())
        return False, None
    if stored.startswith("$2") and len(password.encode()) > BCRYPT_MAX_BYTES:
        # Such a password never matched in GoTrue either: wrong credentials, decided here rather
        # than by whichever exception the installed bcrypt/pwdlib raises for it.
        _hasher.verify(password, _dummy_hash())
        return False, None
    try:
        return _hasher.verify_and_update(password, stored)
    except UnknownHashError:
        # e.g. GoTrue's encrypted envelope or $fbscrypt$: cannot be verified here.
        _hasher.verify(password, _dummy_hash())
        return False, None
    except (HashVerificationError, ValueError):
        # A malformed stored hash: no password matches it.
        return False, None


def burn_time(password: str) -> None:
    """Spend what a verification costs (for answers that must not be faster)."""
    _hasher.verify(password, _dummy_hash())


@cache
def common_passwords() -> frozenset[str]:
    data = files("oxkair.auth").joinpath("data/common-passwords.txt.gz").read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def policy_problem(password: str, min_length: int, email: str | None = None) -> str | None:
    """Why a new password is refused, or None. Applies when a password is set, never at login."""
    if len(password) < min_length:
        return f"the password must have at least {min_length} characters"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"the password must have at most {MAX_PASSWORD_CHARS} characters"
    lowered = password.lower()
    common = common_passwords()
    repeated = any(len(lowered) % n == 0 and lowered == lowered[:n] * (len(lowered) // n)
                   for n in range(1, len(lowered) // 2 + 1))
    if lowered in common or _DECORATION.sub("", lowered) in common or len(set(lowered)) < 4 or repeated:
        return "this password is too common; choose another"
    if email and "@" in email:
        local = email.split("@", 1)[0].lower()
        if len(local) >= 4 and local in lowered:
            return "the password must not contain the email address"
    return None
