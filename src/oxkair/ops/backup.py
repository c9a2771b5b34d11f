"""`oxkair backup`: create, list, verify, restore and prune encrypted logical backups."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from oxkair.config import Settings
from oxkair.db.connect import ConnParams, connect
from oxkair.errors import OxkairError
from oxkair.ops.compression import Compressing
from oxkair.ops.crypto import BackupKey, CorruptBackupError, EncryptingWriter
from oxkair.ops.manifest import (
    BACKUP_ROLE,
    FORMAT,
    Manifest,
    TableDigest,
    digest_tables,
    list_tables,
    prepare_snapshot_session,
    schema_version,
    unreadable_tables,
)
from oxkair.ops.pgtools import Progress, pg_env, run_reading, tool, tool_version
from oxkair.ops.restore import restore_into
from oxkair.ops.retention import Policy, plan
from oxkair.ops.storage import Storage
from oxkair.target import admin_params

DUMP_SUFFIX = ".dump.enc"
MANIFEST_SUFFIX = ".manifest.json"
# pgaudit is server configuration (superuser-only to create on a self-managed server).
SKIPPED_EXTENSIONS = ("plpgsql", "pgaudit")
PhaseProgress = Callable[[str, int], None]
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # a file name, never a path


def _new_name(now: datetime) -> str:
    return f"oxkair-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _dumped_extensions(conn: Any) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        "SELECT extname FROM pg_catalog.pg_extension WHERE extname <> ALL(%s) ORDER BY 1",
        [list(SKIPPED_EXTENSIONS)])]


def create_backup(settings: Settings, storage: Storage, key: BackupKey,
                  progress: Progress | None = None) -> Manifest:
    """Dump the database in one snapshot, encrypt as it streams, hash every table meanwhile."""
    params = admin_params(settings)
    now = datetime.now(UTC)
    name = _new_name(now)
    staging = storage.staging_dir()
    partial = staging / f".{name}{DUMP_SUFFIX}.partial"
    with connect(params, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        prepare_snapshot_session(conn)
        tables = list_tables(conn)
        if missing := unreadable_tables(tables):
            raise OxkairError(
                f"{BACKUP_ROLE} cannot read every row of: {', '.join(missing)}. Add "
                f"`CREATE POLICY \"Backups read every row\" ON <table> FOR SELECT TO {BACKUP_ROLE} "
                f"USING (true)` and `GRANT SELECT` in a migration (see docs/operations.md)")
        snapshot = str(conn.execute("SELECT pg_catalog.pg_export_snapshot()").fetchone()[0])  # type: ignore[index]
        server_version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        version, migrations = schema_version(conn)
        extensions = _dumped_extensions(conn) or ["plpgsql"]  # none: a pattern that dumps none
        # -Z0: compressed by zstd below, at a tenth of the CPU of pg_dump's gzip (compression.py).
        args = [tool("pg_dump"), "--format=custom", "--compress=0", f"--snapshot={snapshot}",
                f"--role={BACKUP_ROLE}", "--enable-row-security", "--no-password",
                *[f"--extension={e}" for e in extensions]]
        failure: list[BaseException] = []
        # Ciphertext only, but still nobody else's business: owner-only like the directory.
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            writer = EncryptingWriter(key, out)
            compressor = Compressing(writer.write)
            dump_bytes = 0

            def sink(data: bytes) -> None:
                nonlocal dump_bytes
                dump_bytes += len(data)
                compressor.write(data)
                if progress:
                    progress(len(data))

            def dump() -> None:
                try:
                    run_reading(args, pg_env(params), sink)
                    compressor.close()
                    writer.close()
                except BaseException as exc:  # noqa: BLE001 - re-raised below
                    failure.append(exc)

            dumper = threading.Thread(target=dump, name="oxkair-pg-dump", daemon=True)
            dumper.start()
            try:
                # Same snapshot, on the server, while pg_dump runs.
                digests = digest_tables(conn, tables, key)
            except BaseException:
                dumper.join()
                partial.unlink(missing_ok=True)
                raise
            dumper.join()
            conn.execute("COMMIT")
        if failure:
            partial.unlink(missing_ok=True)
            raise failure[0]
    manifest = Manifest(
        name=name, created_at=now.isoformat(), database=str(params.get("dbname")),
        server_version=server_version, schema_version=version, migrations=migrations,
        tables=digests, key_id=key.key_id, file_sha256=writer.sha256.hexdigest(),
        file_bytes=partial.stat().st_size, dump_bytes=dump_bytes,
        pg_dump_version=tool_version("pg_dump"), extra={"extensions": extensions})
    manifest.sign(key)
    storage.put_file(name + DUMP_SUFFIX, partial)
    storage.put_text(name + MANIFEST_SUFFIX, manifest.to_json())
    return manifest


# ───────────────────────────────────────────────────────────────── list
@dataclass(frozen=True)
class Listed:
    name: str
    created_at: datetime
    manifest: Manifest | None
    has_file: bool
    problem: str | None = None


def list_backups(storage: Storage) -> list[Listed]:
    """Every backup at the destination, oldest first (unreadable manifests are reported)."""
    names = set(storage.names())
    found: list[Listed] = []
    for file in sorted(n for n in names if n.endswith(MANIFEST_SUFFIX)):
        name = file[: -len(MANIFEST_SUFFIX)]
        has_file = name + DUMP_SUFFIX in names
        try:
            manifest = Manifest.from_json(storage.get_text(file))
            found.append(Listed(name, datetime.fromisoformat(manifest.created_at), manifest, has_file,
                                None if has_file else "encrypted file missing"))
        except CorruptBackupError as exc:
            found.append(Listed(name, datetime.min.replace(tzinfo=UTC), None, has_file, str(exc)))
    for file in sorted(n for n in names if n.endswith(DUMP_SUFFIX)):
        name = file[: -len(DUMP_SUFFIX)]
        if name + MANIFEST_SUFFIX not in names:
            found.append(Listed(name, datetime.min.replace(tzinfo=UTC), None, True, "manifest missing"))
    return sorted(found, key=lambda b: (b.created_at, b.name))


def pick(storage: Storage, name: str | None) -> Manifest:
    """The named backup, or the newest complete one."""
    if name:
        name = name.removesuffix(DUMP_SUFFIX).removesuffix(MANIFEST_SUFFIX)
        if not _NAME.fullmatch(name):
            raise OxkairError(f"--name: {name!r} is not a backup name (see `oxkair backup list`)")
        return Manifest.from_json(storage.get_text(name + MANIFEST_SUFFIX))
    complete = [b for b in list_backups(storage) if b.manifest and b.has_file]
    if not complete:
        raise OxkairError(f"no backup found in {storage.description}")
    manifest = complete[-1].manifest
    assert manifest is not None
    return manifest


def _check_file(path: Path, manifest: Manifest) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while data := fh.read(1 << 20):
            digest.update(data)
    if digest.hexdigest() != manifest.file_sha256:
        raise CorruptBackupError(f"{manifest.name}: the file's sha256 does not match its manifest "
                                 "(corrupted or replaced)")


# ───────────────────────────────────────────────────────────────── restore
def _database_is_empty(conn: Any) -> bool:
    """No table, view, sequence or function of its own (extensions' members do not count)."""
    functions = conn.execute(
        "SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
        " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
    ).fetchone()
    if functions and functions[0]:
        return False
    row = conn.execute(
        "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
        " ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
        " AND n.nspname NOT LIKE 'pg\\_%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
    ).fetchone()
    return bool(row and row[0] == 0)


def _clear_database(conn: Any) -> None:
    """--force: drop every schema and extension the database has, then restore into it."""
    schemas = conn.execute(
        "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT IN ('information_schema', 'public')"
        " AND nspname NOT LIKE 'pg\\_%'").fetchall()
    for (schema,) in schemas:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
    conn.execute("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
    conn.execute("COMMENT ON SCHEMA public IS 'standard public schema'")
    for (ext,) in conn.execute("SELECT extname FROM pg_catalog.pg_extension WHERE extname <> ALL(%s)",
                               [list(SKIPPED_EXTENSIONS)]).fetchall():
        conn.execute(sql.SQL("DROP EXTENSION IF EXISTS {} CASCADE").format(sql.Identifier(ext)))


def create_database(settings: Settings, name: str) -> ConnParams:
    """A new database on the configured server, owned by the admin (CREATEDB)."""
    params = admin_params(settings)
    with connect(params, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return {**params, "dbname": name}


def drop_database(settings: Settings, name: str) -> None:
    """Drop a scratch database. Plain DROP first: it stops an autovacuum worker busy there (likely
    right after a restore), which WITH (FORCE) refuses to do for a non-superuser (Azure's admin);
    FORCE only when a client session is still connected."""
    statement = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    with connect(admin_params(settings), autocommit=True) as conn:
        for attempt in range(5):
            try:
                conn.execute(statement)
                return
            except psycopg.errors.ObjectInUse:
                try:
                    conn.execute(statement + sql.SQL(" WITH (FORCE)"))
                    return
                except psycopg.errors.InsufficientPrivilege:
                    if attempt == 4:
                        raise
                    time.sleep(1)  # an autovacuum worker: gone after the next plain DROP


def target_params(settings: Settings, target: str) -> tuple[ConnParams, bool]:
    """(connection parameters, whether the database is new) for `restore --to`."""
    if target == "new-db":
        name = f"oxkair_restore_{datetime.now(UTC):%Y%m%d_%H%M%S}"
        return create_database(settings, name), True
    try:
        params: ConnParams = dict(conninfo_to_dict(target))
    except Exception as exc:  # psycopg raises ProgrammingError for a bad DSN
        raise OxkairError("restore --to: not a connection string or URL (or `new-db`)") from exc
    return params, False


def restore_backup(settings: Settings, storage: Storage, key: BackupKey, target: str,
                   name: str | None = None, force: bool = False,
                   progress: PhaseProgress | None = None) -> tuple[Manifest, ConnParams]:
    """Restore into a new database or the DSN given; a non-empty one only with `force`."""
    from oxkair.schema.roles import apply_roles

    manifest = pick(storage, name)
    manifest.check_signature(key)
    with storage.local_copy(manifest.name + DUMP_SUFFIX) as path:
        _check_file(path, manifest)
        params, new = target_params(settings, target)
        if not new:
            with connect(params, autocommit=True) as conn:
                if not force and not _database_is_empty(conn):
                    raise OxkairError(f"database {params.get('dbname')} is not empty: restore into "
                                      "`new-db`, or pass --force to replace its contents")
                # Roles are cluster-wide: a server that never ran `oxkair db upgrade` needs them.
                apply_roles(conn)
                # Then a pristine database: roles.sql also made oxkair_meta and granted on public,
                # which the dump brings back (and its grants apply cleanly only to a fresh public).
                _clear_database(conn)
        try:
            restore_into(params, path, key, progress, compression=manifest.compression)
        except BaseException as exc:
            if new:  # never leave a half-restored database behind (issue 12 probe finding)
                _drop_failed_restore(settings, str(params.get("dbname")), exc)
            raise
    return manifest, params


def _drop_failed_restore(settings: Settings, name: str, failure: BaseException) -> None:
    """Drop the new database a failed restore made; if even that fails, name it in the error."""
    try:
        drop_database(settings, name)
    except Exception as exc:
        raise OxkairError(f"restore failed ({failure}); the new database {name} it made could not be "
                          f"dropped ({exc}): drop it by hand") from failure


# ───────────────────────────────────────────────────────────────── verify
@dataclass(frozen=True)
class VerifyResult:
    manifest: Manifest
    tables: int
    rows: int
    problems: list[str]


def compare(expected: dict[str, TableDigest], actual: dict[str, TableDigest]) -> list[str]:
    problems = []
    for table in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(f"{table}: restored but not in the manifest")
        elif got is None:
            problems.append(f"{table}: in the manifest but not restored")
        elif want.rows != got.rows:
            problems.append(f"{table}: {got.rows} rows restored, manifest says {want.rows}")
        elif want.content_hash != got.content_hash:
            problems.append(f"{table}: content hash differs from the manifest")
    return problems


def digest_database(params: ConnParams, key: BackupKey, version: str = FORMAT) -> dict[str, TableDigest]:
    with connect(params, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        prepare_snapshot_session(conn)
        digests = digest_tables(conn, list_tables(conn), key, version)
        conn.execute("COMMIT")
    return digests


def verify_backup(settings: Settings, storage: Storage, key: BackupKey, name: str | None = None,
                  progress: PhaseProgress | None = None) -> VerifyResult:
    """Restore into a scratch database, compare every table with the manifest, drop it."""
    manifest = pick(storage, name)
    manifest.check_signature(key)
    scratch = f"oxkair_verify_{secrets.token_hex(4)}"
    with storage.local_copy(manifest.name + DUMP_SUFFIX) as path:
        _check_file(path, manifest)
        params = create_database(settings, scratch)
        try:
            restore_into(params, path, key, progress, compression=manifest.compression, scratch=True)
            actual = digest_database(params, key, manifest.format)
        finally:
            drop_database(settings, scratch)
    problems = compare(manifest.tables, actual)
    return VerifyResult(manifest, len(actual), sum(d.rows for d in actual.values()), problems)


# ───────────────────────────────────────────────────────────────── prune
def policy_from(settings: Settings) -> Policy:
    return Policy(daily=settings.oxkair_backup_keep_daily, weekly=settings.oxkair_backup_keep_weekly,
                  monthly_years=settings.oxkair_backup_keep_monthly_years,
                  yearly_years=settings.oxkair_backup_keep_yearly_years)


def prune_backups(storage: Storage, policy: Policy, *, now: datetime | None = None,
                  dry_run: bool = False, allow_short: bool = False) -> dict[str, list[str]]:
    """Delete backups no tier keeps; returns each backup's tiers ([] = pruned)."""
    policy.validate(allow_short)
    backups = [b for b in list_backups(storage) if b.manifest is not None]
    decision = plan({b.name: b.created_at for b in backups}, now or datetime.now(UTC), policy)
    if not dry_run:
        for name, tiers in decision.items():
            if not tiers:
                # The file first: a manifest without its file is listed as incomplete, never lost.
                storage.delete(name + DUMP_SUFFIX)
                storage.delete(name + MANIFEST_SUFFIX)
    return decision
