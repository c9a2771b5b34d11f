"""The encrypted, checksummed archive of removed tables and columns (HIPAA keeps records 6 years).

Each item is streamed as CSV from the source snapshot and encrypted with AES-256-GCM in 1 MiB
segments (the STREAM construction: nonce = random prefix || segment counter || last flag), so
memory stays flat, a segment cannot be reordered, dropped or truncated unnoticed, and nothing is
released before its tag is checked. A manifest lists every file with its row count and SHA-256
sums; its HMAC proves it was written with the same key. The key never lives beside the archive.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import Connection, sql

from oxkair.errors import OxkairError
from oxkair.migrate.crash_points import KillSwitch
from oxkair.migrate.plan import count_rows
from oxkair.migrate.tables import ARCHIVE, ArchiveItem

MAGIC = b"OXKARCH1"
SEGMENT = 1 << 20
RETENTION_YEARS = 6
MANIFEST = "manifest.json"
MANIFEST_MAC = "manifest.json.hmac"


def parse_key(value: str | None) -> bytes:
    """OXKAIR_ARCHIVE_KEY: 32 bytes as base64 (or 64 hex digits)."""
    if not value:
        raise OxkairError("OXKAIR_ARCHIVE_KEY is not set: the removed tables and columns must be "
                          "archived encrypted (HIPAA keeps records 6 years); set it, or pass "
                          "--no-archive to skip the archive deliberately")
    raw: bytes | None = None
    try:
        raw = bytes.fromhex(value) if len(value) == 64 else base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        try:
            raw = base64.urlsafe_b64decode(value)
        except (ValueError, binascii.Error):
            raw = None
    if raw is None or len(raw) != 32:
        raise OxkairError("OXKAIR_ARCHIVE_KEY must be 32 random bytes, base64-encoded "
                          "(e.g. `openssl rand -base64 32`)")
    return raw


def key_id(key: bytes) -> str:
    """A fingerprint naming the key in the manifest (reveals nothing about it)."""
    return hmac.new(key, b"oxkair archive key id", hashlib.sha256).hexdigest()[:16]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class EncryptingWriter:
    """Writes plaintext in, AES-256-GCM segments out; hashes both sides as it goes."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        self.out = out
        self.aead = AESGCM(key)
        self.prefix = os.urandom(7)
        self.header = MAGIC + self.prefix
        self.counter = 0
        self.buffer = bytearray()
        self.plain_sha = hashlib.sha256()
        self.cipher_sha = hashlib.sha256()
        self.plain_bytes = 0
        self._emit(self.header)

    def _emit(self, data: bytes) -> None:
        self.cipher_sha.update(data)
        self.out.write(data)

    def _segment(self, data: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, last), data, self.header)
        self._emit(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.plain_sha.update(data)
        self.plain_bytes += len(data)
        self.buffer += data
        # Keep the last full segment back: only close() knows which segment is the final one.
        while len(self.buffer) > SEGMENT:
            self._segment(bytes(self.buffer[:SEGMENT]), last=False)
            del self.buffer[:SEGMENT]

    def close(self) -> None:
        self._segment(bytes(self.buffer), last=True)
        self.buffer.clear()


def decrypt_stream(src: IO[bytes], out: IO[bytes], key: bytes) -> str:
    """Decrypt one archive file; returns the plaintext SHA-256. Raises OxkairError if tampered."""
    header = src.read(len(MAGIC) + 7)
    if len(header) != len(MAGIC) + 7 or not header.startswith(MAGIC):
        raise OxkairError("not an oxkair archive file")
    aead = AESGCM(key)
    prefix = header[len(MAGIC):]
    sha = hashlib.sha256()
    counter = 0
    while True:
        size_bytes = src.read(4)
        if len(size_bytes) != 4:
            raise OxkairError("archive file is truncated")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = src.read(size)
        nxt = src.peek(1)[:1] if hasattr(src, "peek") else b""
        last = not nxt
        try:
            plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
        except InvalidTag as exc:
            raise OxkairError("archive file failed authentication (wrong key or altered data)") from exc
        sha.update(plain)
        out.write(plain)
        counter += 1
        if last:
            return sha.hexdigest()


@dataclass
class ArchivedFile:
    name: str
    source: str
    columns: list[str] | None
    rows: int
    plaintext_sha256: str
    ciphertext_sha256: str
    plaintext_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self), file=f"{self.name}.csv.enc")


def archive_item(conn: Connection[Any], item: ArchiveItem, directory: Path, key: bytes) -> ArchivedFile:
    """Stream one removed table (or removed columns with the id) into an encrypted CSV file."""
    schema, table = item.source.split(".")
    cols = sql.SQL("*") if item.columns is None else sql.SQL(", ").join(map(sql.Identifier, item.columns))
    order = sql.SQL("1") if item.columns is None else sql.Identifier("id")
    query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT (FORMAT csv, HEADER)").format(
        cols, sql.Identifier(schema, table), order)
    rows = count_rows(conn, item.source)
    path = directory / f"{item.name}.csv.enc"
    tmp = path.with_suffix(".enc.partial")
    with tmp.open("wb") as fh:
        writer = EncryptingWriter(fh, key)
        with conn.cursor().copy(query) as copy:
            for block in copy:
                writer.write(block)
        writer.close()
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return ArchivedFile(item.name, item.source, list(item.columns) if item.columns else None, rows,
                        writer.plain_sha.hexdigest(), writer.cipher_sha.hexdigest(), writer.plain_bytes)


def write_manifest(directory: Path, key: bytes, files: list[ArchivedFile], source: str,
                   skipped: list[str]) -> str:
    """Write manifest.json and its HMAC; returns the manifest's SHA-256."""
    now = datetime.now(UTC)
    manifest = {
        "format": "oxkair-migration-archive/1",
        "created_at": now.isoformat(timespec="seconds"),
        "retain_until": (now + timedelta(days=365 * RETENTION_YEARS + 2)).date().isoformat(),
        "retention": "HIPAA 164.316(b)(2)(i): 6 years",
        "source": source,
        "cipher": {"algorithm": "AES-256-GCM", "segment_bytes": SEGMENT,
                   "nonce": "7-byte random prefix || 4-byte counter || 1-byte last flag",
                   "aad": "file header (magic || prefix)", "key_id": key_id(key)},
        "files": [f.as_dict() for f in files],
        "absent_in_source": skipped,
    }
    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
    (directory / MANIFEST).write_bytes(body)
    mac = hmac.new(key, body, hashlib.sha256).hexdigest()
    (directory / MANIFEST_MAC).write_text(mac + "\n")
    return hashlib.sha256(body).hexdigest()


def decrypt_archive(directory: Path, out_dir: Path, key: bytes) -> list[dict[str, Any]]:
    """Check the manifest's HMAC and every checksum, and write the CSV files to out_dir."""
    body = (directory / MANIFEST).read_bytes()
    mac = (directory / MANIFEST_MAC).read_text().strip()
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).hexdigest()):
        raise OxkairError("the manifest's HMAC does not match: wrong key or altered manifest")
    manifest = json.loads(body)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for entry in manifest["files"]:
        path = directory / entry["file"]
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(SEGMENT), b""):
                digest.update(block)
        if digest.hexdigest() != entry["ciphertext_sha256"]:
            raise OxkairError(f"{entry['file']}: checksum does not match the manifest")
        target = out_dir / f"{entry['name']}.csv"
        try:
            with path.open("rb") as src, target.open("wb") as dst:
                plain_sha = decrypt_stream(src, dst, key)
            if plain_sha != entry["plaintext_sha256"]:
                raise OxkairError(f"{entry['file']}: decrypted content does not match the manifest")
        except OxkairError:
            target.unlink(missing_ok=True)  # never leave unauthenticated plaintext behind
            raise
        results.append({"file": str(target), "rows": entry["rows"]})
    return results


def write_archive(src: Connection[Any], directory: Path, key: bytes, source: str,
                  kill: KillSwitch | None = None) -> str:
    """All archive items into `directory` (rewritten whole on a rerun); the manifest's SHA-256."""
    directory.mkdir(parents=True, exist_ok=True)
    files, skipped = [], []
    for item in ARCHIVE:
        exists = src.execute("SELECT to_regclass(%s) IS NOT NULL", [item.source]).fetchone()
        if not (exists and exists[0]):
            skipped.append(item.source)
            continue
        files.append(archive_item(src, item, directory, key))
        if kill:
            kill.hit("archive_file")
    return write_manifest(directory, key, files, source, skipped)
