"""Backup encryption: round trip, wrong key, corruption, truncation (no database needed)."""

from __future__ import annotations

import io
import os

import pytest

from oxkair.errors import SetupError
from oxkair.ops.crypto import (
    HEADER_LEN,
    BackupKey,
    CorruptBackupError,
    EncryptingWriter,
    WrongKeyError,
    decrypt_stream,
)


def _encrypt(key: BackupKey, data: bytes, chunk_size: int = 1000) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(key, out, chunk_size=chunk_size)
    for i in range(0, len(data), 777):  # writes that straddle chunk boundaries
        writer.write(data[i:i + 777])
    writer.close()
    return out.getvalue()


def _decrypt(key: BackupKey, blob: bytes) -> bytes:
    return b"".join(decrypt_stream(key, io.BytesIO(blob)))


@pytest.fixture()
def key() -> BackupKey:
    return BackupKey.from_setting(BackupKey.generate())


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 12_345])
def test_round_trip(key: BackupKey, size: int) -> None:
    data = os.urandom(size)
    blob = _encrypt(key, data)
    assert _decrypt(key, blob) == data
    assert size < 64 or data[:64] not in blob


def test_same_plaintext_encrypts_differently(key: BackupKey) -> None:
    assert _encrypt(key, b"x" * 5000) != _encrypt(key, b"x" * 5000)


def test_wrong_key_is_named_as_such(key: BackupKey) -> None:
    blob = _encrypt(key, b"patient data" * 100)
    other = BackupKey.from_setting(BackupKey.generate())
    with pytest.raises(WrongKeyError, match="wrong backup key"):
        _decrypt(other, blob)


@pytest.mark.parametrize("where", [HEADER_LEN + 10, -20])
def test_a_flipped_byte_is_corruption(key: BackupKey, where: int) -> None:
    blob = bytearray(_encrypt(key, os.urandom(5000)))
    blob[where] ^= 0x01
    with pytest.raises(CorruptBackupError, match="corrupted"):
        _decrypt(key, bytes(blob))


def test_a_header_byte_flipped_is_caught(key: BackupKey) -> None:
    blob = bytearray(_encrypt(key, os.urandom(100)))
    blob[12] ^= 0x01  # inside the salt: the key check fails
    with pytest.raises((WrongKeyError, CorruptBackupError)):
        _decrypt(key, bytes(blob))


def test_truncation_is_detected_even_at_a_chunk_boundary(key: BackupKey) -> None:
    blob = _encrypt(key, os.urandom(3000), chunk_size=1000)
    chunk = 4 + 1000 + 16
    for cut in (len(blob) - 1, HEADER_LEN + chunk, HEADER_LEN + 2 * chunk, HEADER_LEN):
        with pytest.raises(CorruptBackupError, match="truncated"):
            _decrypt(key, blob[:cut])


def test_not_a_backup_file(key: BackupKey) -> None:
    with pytest.raises(CorruptBackupError, match="not an oxkair backup"):
        _decrypt(key, b"PGDMP" + b"\0" * 200)


def test_appended_data_is_detected(key: BackupKey) -> None:
    with pytest.raises(CorruptBackupError, match="after its last chunk"):
        _decrypt(key, _encrypt(key, b"abc") + b"junk")


@pytest.mark.parametrize("value", [None, "", "not base64!", "c2hvcnQ="])
def test_bad_key_settings_are_setup_errors(value: str | None) -> None:
    with pytest.raises(SetupError, match="OXKAIR_BACKUP_KEY"):
        BackupKey.from_setting(value)


def test_key_never_shows_in_repr(key: BackupKey) -> None:
    assert key.key_id in repr(key) and "_raw" not in repr(key)
