"""The manifest beside each backup: what it holds, counted and hashed, and signed with the key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from typing import Any

import psycopg
from psycopg import Connection, sql

from oxkair.errors import OxkairError
from oxkair.ops.crypto import BackupKey, CorruptBackupError

# v2: zstd inside the encryption (pg_dump -Z0), table digests computed in SQL. v1 backups (gzip by
# pg_dump, digests of COPY text in Python) still list, verify and restore.
FORMAT = "oxkair-backup/2"
FORMAT_V1 = "oxkair-backup/1"
_MASK = (1 << 256) - 1
BACKUP_ROLE = "oxkair_backup"
TABLES_SQL = files("oxkair.ops").joinpath("tables.sql").read_text()
DIGEST_SQL = files("oxkair.ops").joinpath("digest.sql").read_text()
# Fixed output settings, so that a table hashes the same on any server it is restored to.
HASH_SETTINGS = {"DateStyle": "ISO, YMD", "IntervalStyle": "postgres", "TimeZone": "UTC",
                 "extra_float_digits": "1", "bytea_output": "hex"}


@dataclass
class TableDigest:
    rows: int
    content_hash: str


@dataclass
class Manifest:
    """Everything `verify` checks; `mac` makes tampering with the manifest itself evident."""

    name: str
    created_at: str
    database: str
    server_version: str
    schema_version: str | None
    migrations: list[str]
    tables: dict[str, TableDigest]
    key_id: str
    file_sha256: str = ""
    file_bytes: int = 0
    dump_bytes: int = 0
    pg_dump_version: str = ""
    encryption: str = "AES-256-GCM, 1 MiB chunks, HKDF-SHA256 per-file key"
    content_hash: str = ("keyed HMAC-SHA256 of (method, table, rows, sum of a 64-bit hash of each row: "
                         "hash_record_extended, or SHA-256 of record_send), computed by the server")
    format: str = FORMAT
    compression: str = "zstd"  # of pg_dump -Z0's output, inside the encryption ("" in v1: gzip by pg_dump)
    mac: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def _signed_bytes(self) -> bytes:
        body = asdict(self)
        body.pop("mac")
        if self.format == FORMAT_V1:
            body.pop("compression")  # a field v1 did not have (nor sign)
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def sign(self, key: BackupKey) -> None:
        self.mac = key.mac("manifest", self._signed_bytes())

    def check_signature(self, key: BackupKey) -> None:
        import hmac

        if key.key_id != self.key_id:
            from oxkair.ops.crypto import WrongKeyError

            raise WrongKeyError(f"wrong backup key: {self.name} needs key {self.key_id}, "
                                f"OXKAIR_BACKUP_KEY is key {key.key_id}")
        if not hmac.compare_digest(self.mac, key.mac("manifest", self._signed_bytes())):
            raise CorruptBackupError(f"manifest of {self.name} was altered (its MAC does not match)")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") not in (FORMAT, FORMAT_V1):
                raise CorruptBackupError(f"unknown manifest format {data.get('format')!r}")
            if data["format"] == FORMAT_V1:
                data.setdefault("compression", "")
            data["tables"] = {k: TableDigest(**v) for k, v in data["tables"].items()}
            return cls(**data)
        except (ValueError, TypeError, KeyError) as exc:
            raise CorruptBackupError(f"manifest is not valid: {exc}") from exc


@dataclass(frozen=True)
class TableInfo:
    schema: str
    name: str
    columns: list[str]
    builtin: list[bool]
    rls: bool
    readable: bool
    backup_policy: bool

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def list_tables(conn: Connection[Any]) -> list[TableInfo]:
    return [TableInfo(*row) for row in conn.execute(TABLES_SQL)]


def unreadable_tables(tables: list[TableInfo]) -> list[str]:
    """Tables a backup would miss rows of: no SELECT for oxkair_backup, or RLS without its policy."""
    return [t.qualified for t in tables if not t.readable or (t.rls and not t.backup_policy)]


# A 64-bit hash of each row, by the types' own hash functions (no text formatting: a third of the
# CPU of hashing the rows' binary form); where a column's type has none, or the server predates
# hash_record_extended (PG 14), SHA-256 of the row's binary form (record_send).
ROW_HASHES = {
    "hash": "pg_catalog.hash_record_extended(ROW({columns}), 0)::numeric",
    "sha256": "('x' || pg_catalog.encode(pg_catalog.substring(pg_catalog.sha256(pg_catalog.record_send("
              "ROW({columns}))), 1, 8), 'hex'))::bit(64)::bigint::numeric",
}


def table_digest(conn: Connection[Any], table: TableInfo, key: BackupKey) -> TableDigest:
    """Row count and keyed hash of one table, read as oxkair_backup in the current snapshot.

    The server does the work in one pass (no row leaves it, no sort): the sum of a 64-bit hash
    of every row (digest.sql), by value (equal values hash alike; no DateStyle or TimeZone
    involved). Columns of types that are not built in (enums, domains, extensions' types) are
    hashed as text, since their hashes and binary forms depend on OIDs that a restored database
    does not share. The manifest keeps only an HMAC, keyed by the backup key, of (method, table,
    rows, sum): it reveals nothing about the content.
    """
    columns = sql.SQL(", ").join(
        sql.SQL("t.{}" if builtin else "t.{}::text").format(sql.Identifier(c))
        for c, builtin in zip(table.columns, table.builtin, strict=True))
    for method, row_hash in ROW_HASHES.items():
        query = sql.SQL(DIGEST_SQL).format(
            row_hash=sql.SQL(row_hash).format(columns=columns),
            schema=sql.Identifier(table.schema), table=sql.Identifier(table.name))
        try:
            with conn.transaction():
                row = conn.execute(query).fetchone()
        except psycopg.errors.UndefinedFunction:
            continue  # no hash function for a column's type, or PostgreSQL < 14
        assert row is not None
        rows, total = int(row[0]), str(row[1])
        mac = key.mac("content", f"{method}\n{table.qualified}\n{rows}\n{total}".encode())
        return TableDigest(rows=rows, content_hash=mac)
    raise OxkairError(f"cannot hash {table.qualified}")  # pragma: no cover - sha256 always works


def table_digest_v1(conn: Connection[Any], table: TableInfo, key: BackupKey) -> TableDigest:
    """v1 manifests: sum mod 2^256 of keyed BLAKE2b-256 of each row's COPY text line."""
    row_key = key.subkey("content")
    total, rows = 0, 0
    query = sql.SQL("COPY (SELECT {cols} FROM ONLY {schema}.{table} AS t) TO STDOUT").format(
        cols=sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in table.columns),
        schema=sql.Identifier(table.schema), table=sql.Identifier(table.name))
    with conn.cursor() as cur, cur.copy(query) as copy:
        for data in copy:
            # One message is one row ending in a newline (text COPY escapes newlines in values).
            for line in bytes(data).split(b"\n")[:-1]:
                digest = hashlib.blake2b(line, key=row_key, digest_size=32).digest()
                total = (total + int.from_bytes(digest, "big")) & _MASK
                rows += 1
    return TableDigest(rows=rows, content_hash=f"{total:064x}")


def prepare_snapshot_session(conn: Connection[Any]) -> None:
    """Inside a transaction: read as oxkair_backup with row security on and fixed output settings."""
    conn.execute(f"SET LOCAL ROLE {BACKUP_ROLE}")
    conn.execute("SET LOCAL row_security = on")
    for name, value in HASH_SETTINGS.items():
        conn.execute("SELECT pg_catalog.set_config(%s, %s, true)", [name, value])


def digest_tables(conn: Connection[Any], tables: list[TableInfo], key: BackupKey,
                  version: str = FORMAT) -> dict[str, TableDigest]:
    digest = table_digest_v1 if version == FORMAT_V1 else table_digest
    return {t.qualified: digest(conn, t, key) for t in tables}


def schema_version(conn: Connection[Any]) -> tuple[str | None, list[str]]:
    """yoyo's applied migrations (schema oxkair_meta): the newest id and the full list."""
    try:
        with conn.transaction():
            ids = [str(r[0]) for r in conn.execute(
                "SELECT migration_id FROM oxkair_meta._yoyo_migration ORDER BY migration_id")]
    except psycopg.errors.UndefinedTable:
        return None, []
    except psycopg.errors.InsufficientPrivilege as exc:
        raise OxkairError("oxkair_backup cannot read oxkair_meta: run `oxkair db upgrade`") from exc
    return (ids[-1] if ids else None), ids
