"""Signing keys: ES256 keys in <home>/keys (local) or PEMs from settings (production); JWKS."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from joserfc.jwk import ECKey

from oxkair.config import Settings
from oxkair.errors import OxkairError, SetupError

ALGORITHM = "ES256"
CURVE = "P-256"
# A retired key keeps verifying this long after its successor appeared (tokens + clock skew).
SKEW_SECONDS = 60


@dataclass(frozen=True)
class Key:
    kid: str
    key: ECKey
    created: int  # unix seconds; the newest key signs
    # The public half as its own key, for verifying: joserfc derives a new public key object from
    # a private ECKey on every use, and OpenSSL then re-imports it each time (~5% of a verify).
    public: ECKey = field(init=False, repr=False, compare=False)
    # Its `cryptography` object, which the token verifier hands the signature to (tokens.py).
    verifier: EllipticCurvePublicKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        public = ECKey.import_key(self.key.as_dict(private=False))
        object.__setattr__(self, "public", public)
        verifier = public.get_op_key("verify")
        assert isinstance(verifier, EllipticCurvePublicKey)
        object.__setattr__(self, "verifier", verifier)


def _load_pem(pem: str | bytes, created: int = 0) -> Key:
    try:
        key = ECKey.import_key(pem)
    except Exception as exc:  # joserfc raises several types for bad input; never echo the PEM
        raise SetupError("a signing key PEM is not a valid P-256 key") from exc
    if key.as_dict(private=False).get("crv") != CURVE:
        raise SetupError(f"signing keys must be {CURVE} (ES256)")
    return Key(key.thumbprint(), key, created)


def new_key() -> Key:
    key = ECKey.generate_key(CURVE, private=True)
    return Key(key.thumbprint(), key, int(time.time()))


class KeyStore:
    """The keys that verify, and the one that signs. Directory stores pick up rotations."""

    def __init__(self, keys: list[Key], directory: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._dir = directory
        self._stamp: int | None = None
        self._checked = 0.0
        self._set(keys)

    def _set(self, keys: list[Key]) -> None:
        if not keys:
            raise SetupError("no signing key")
        self._keys = {k.kid: k for k in keys}
        self.signing = max(keys, key=lambda k: k.created)

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyStore:
        if settings.oxkair_signing_key_pem:
            keys = [_load_pem(settings.oxkair_signing_key_pem, created=1)]
            keys += [_load_pem(pem) for pem in settings.oxkair_verify_key_pems]
            if any(not k.key.is_private for k in keys[:1]):
                raise SetupError("OXKAIR_SIGNING_KEY_PEM must be a private key")
            return cls(keys)
        directory = key_dir(settings)
        if not list_key_files(directory):
            rotate_keys(directory, settings.oxkair_access_token_ttl)
        store = cls(read_key_dir(directory), directory)
        store._stamp = _dir_stamp(directory)
        return store

    def get(self, kid: str) -> Key | None:
        """The verifying key of this kid; an unknown kid re-reads the directory (at most 1/s)."""
        key = self._keys.get(kid)
        if key is None:
            self.refresh(force=True)
            key = self._keys.get(kid)
        return key

    def refresh(self, *, force: bool = False) -> None:
        """Re-read a key directory when it changed (throttled); no-op for settings keys."""
        if self._dir is None:
            return
        now = time.monotonic()
        if now - self._checked < (1.0 if force else 10.0):
            return
        with self._lock:
            self._checked = now
            stamp = _dir_stamp(self._dir)
            if stamp != self._stamp:
                self._set(read_key_dir(self._dir))
                self._stamp = stamp

    def jwks(self) -> dict[str, Any]:
        """The public keys (RFC 7517 set) with kid, use and alg."""
        return {
            "keys": [
                {**k.key.as_dict(private=False), "kid": k.kid, "use": "sig", "alg": ALGORITHM}
                for k in sorted(self._keys.values(), key=lambda k: -k.created)
            ]
        }

    @property
    def kids(self) -> list[str]:
        return list(self._keys)


def key_dir(settings: Settings) -> Path:
    return settings.home / "keys"


def _dir_stamp(directory: Path) -> int:
    try:
        return directory.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def list_key_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pem")) if directory.is_dir() else []


def read_key_dir(directory: Path) -> list[Key]:
    keys = []
    for path in list_key_files(directory):
        created = int(path.name.split(".", 1)[0])
        keys.append(_load_pem(path.read_bytes(), created))
    return keys


def rotate_keys(directory: Path, access_ttl: int) -> tuple[str, list[str]]:
    """Add a new signing key (mode 0600); drop keys retired longer than a token lifetime.

    Returns the new kid and the kids removed.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    existing = read_key_dir(directory)
    key = new_key()
    created = max([key.created, *[k.created + 1 for k in existing]])
    path = directory / f"{created}.{key.kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.key.as_pem(private=True))
    removed = []
    # A key is retired when the next newer one was created; drop it once its tokens expired.
    ordered = sorted(existing, key=lambda k: k.created)
    successors = [k.created for k in ordered[1:]] + ([created] if ordered else [])
    for old, successor in zip(ordered, successors, strict=True):
        if time.time() - successor > access_ttl + SKEW_SECONDS:
            for stale in directory.glob(f"{old.created}.{old.kid}.pem"):
                stale.unlink()
            removed.append(old.kid)
    return key.kid, removed


def require_key_dir(settings: Settings) -> Path:
    if settings.oxkair_signing_key_pem:
        raise OxkairError(
            "keys come from OXKAIR_SIGNING_KEY_PEM: rotate by setting a new key there and "
            "moving the old one to OXKAIR_VERIFY_KEY_PEMS until its tokens expire"
        )
    return key_dir(settings)
