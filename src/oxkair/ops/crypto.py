"""Streaming AES-256-GCM for backups: chunked, truncation-proof, with a key check."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from oxkair.errors import OxkairError, SetupError

# File layout (v1):
#   header  = MAGIC(8) | salt(32) | nonce_prefix(7) | chunk_size(u32) | key_check(16)
#   chunk*  = length(u32) | AES-256-GCM(ciphertext || tag), AAD = header
# Each file gets its own data key, HKDF(master key, salt), so nonces never repeat across files.
# The nonce is nonce_prefix | chunk counter(u32) | last-chunk flag(1): chunks cannot be
# reordered, and a file cut short lacks its flagged last chunk (the STREAM construction).
MAGIC = b"OXKBAK\x00\x01"
SALT_LEN = 32
PREFIX_LEN = 7
CHECK_LEN = 16
HEADER_LEN = len(MAGIC) + SALT_LEN + PREFIX_LEN + 4 + CHECK_LEN
CHUNK_SIZE = 1 << 20
MAX_CHUNK = 64 << 20
TAG_LEN = 16


class WrongKeyError(OxkairError):
    """The key given is not the one the backup was made with."""


class CorruptBackupError(OxkairError):
    """The file was altered, truncated or is not an oxkair backup."""


def _hkdf(key: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt or None, info=info).derive(key)


class BackupKey:
    """The master key (OXKAIR_BACKUP_KEY: 32 random bytes, base64). Never written anywhere."""

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 32:
            raise SetupError("OXKAIR_BACKUP_KEY must be 32 random bytes, base64-encoded "
                             "(make one with `oxkair backup keygen`)")
        self._raw = raw

    @classmethod
    def from_setting(cls, value: str | None) -> BackupKey:
        if not value:
            raise SetupError("OXKAIR_BACKUP_KEY is not set (make one with `oxkair backup keygen` "
                             "and keep it in a key vault, never beside the backups)")
        try:
            raw = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SetupError("OXKAIR_BACKUP_KEY is not valid base64") from exc
        return cls(raw)

    @staticmethod
    def generate() -> str:
        return base64.b64encode(os.urandom(32)).decode()

    @property
    def key_id(self) -> str:
        """A public fingerprint naming the key (in manifests) without revealing it."""
        return _hkdf(self._raw, b"", b"oxkair-backup key id", 8).hex()

    def subkey(self, purpose: str, salt: bytes = b"") -> bytes:
        return _hkdf(self._raw, salt, f"oxkair-backup v1 {purpose}".encode())

    def mac(self, purpose: str, data: bytes) -> str:
        return hmac.new(self.subkey(purpose), data, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return f"BackupKey(id={self.key_id})"


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class EncryptingWriter:
    """Encrypts what is written into `out` chunk by chunk; `close()` writes the last chunk."""

    def __init__(self, key: BackupKey, out: BinaryIO, chunk_size: int = CHUNK_SIZE) -> None:
        salt, prefix = os.urandom(SALT_LEN), os.urandom(PREFIX_LEN)
        body = MAGIC + salt + prefix + struct.pack(">I", chunk_size)
        check = hmac.new(key.subkey("check", salt), body, hashlib.sha256).digest()[:CHECK_LEN]
        self._header = body + check
        self._aead = AESGCM(key.subkey("data", salt))
        self._prefix, self._chunk_size = prefix, chunk_size
        self._out, self._buffer, self._counter = out, bytearray(), 0
        self.plain_bytes = 0
        self.sha256 = hashlib.sha256()
        self._emit(self._header)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self.sha256.update(data)

    def _seal(self, data: bytes, last: bool) -> None:
        if self._counter >= 0xFFFFFFFF:
            raise OxkairError("backup too large for one file (4 PiB)")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), data, self._header)
        self._emit(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1

    def write(self, data: bytes) -> None:
        self.plain_bytes += len(data)
        self._buffer += data
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


def _read_exact(src: BinaryIO, n: int) -> bytes:
    data = src.read(n)
    while data is not None and len(data) < n:
        more = src.read(n - len(data))
        if not more:
            break
        data += more
    return data or b""


def decrypt_stream(key: BackupKey, src: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk; raise WrongKeyError or CorruptBackupError."""
    header = _read_exact(src, HEADER_LEN)
    if len(header) < HEADER_LEN or not header.startswith(MAGIC):
        raise CorruptBackupError("not an oxkair backup file (bad header)")
    salt = header[len(MAGIC): len(MAGIC) + SALT_LEN]
    prefix = header[len(MAGIC) + SALT_LEN: len(MAGIC) + SALT_LEN + PREFIX_LEN]
    body, check = header[:-CHECK_LEN], header[-CHECK_LEN:]
    expected = hmac.new(key.subkey("check", salt), body, hashlib.sha256).digest()[:CHECK_LEN]
    if not hmac.compare_digest(check, expected):
        raise WrongKeyError(f"wrong backup key: key {key.key_id} did not make this backup "
                            "(its manifest names the key id it needs)")
    aead = AESGCM(key.subkey("data", salt))
    counter = 0
    while True:
        size_bytes = _read_exact(src, 4)
        if len(size_bytes) < 4:
            raise CorruptBackupError("backup file is truncated (its last chunk is missing)")
        (size,) = struct.unpack(">I", size_bytes)
        if size < TAG_LEN or size > MAX_CHUNK + TAG_LEN:
            raise CorruptBackupError(f"backup file is corrupted (chunk {counter} has a bad length)")
        sealed = _read_exact(src, size)
        if len(sealed) < size:
            raise CorruptBackupError("backup file is truncated (its last chunk is missing)")
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
            except InvalidTag:
                continue
            break
        else:
            raise CorruptBackupError(f"backup file is corrupted (chunk {counter} fails authentication)")
        counter += 1
        if plain:
            yield plain
        if last:
            if src.read(1):
                raise CorruptBackupError("backup file is corrupted (data after its last chunk)")
            return

