"""Versioned schema migrations with yoyo-migrations, run as oxkair_owner; roles.sql before them."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from psycopg import Connection
from yoyo import migrations as yoyo_migrations
from yoyo import read_migrations
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri
from yoyo.migrations import parse_metadata_from_sql_comments

from oxkair.db.connect import ConnParams, connect
from oxkair.errors import OxkairError
from oxkair.schema.roles import ROLES_SQL, apply_roles

SCHEMA_DIR = Path(str(files("oxkair.schema")))
MIGRATIONS_DIR = SCHEMA_DIR / "migrations"
META_SCHEMA = "oxkair_meta"  # yoyo's bookkeeping tables, away from the application's schemas
OWNER = "oxkair_owner"

# The pre-release chain the baseline replaced (issue 16; kept verbatim in
# tests/fixtures/schema_chain_v0). A database it built completely is carried over to the baseline.
OLD_CHAIN_IDS = frozenset([
    "0001_foundation", "0002_tables", "0003_case_invariants", "0004_row_level_security",
    "0005_audit", "0006_institution_search", "0010_auth_sessions", "0011_auth_housekeeping",
    "0012_auth_mfa_lockout", "0020_migration_state", "0021_migration_institution_search",
    "0022_medical_notes_lz4", "0030_backup_role", "0040_case_management",
    "0041_institution_search_at_scale", "0042_institution_search_words",
    "0043_institution_search_suffixes", "0044_institution_search_index_order",
    "0045_institution_search_row_cost", "0050_audit_generated_triggers",
    "0051_audit_trigger_skips_bulk_load", "0052_case_invariants_bulk_load",
    "0053_verified_membership", "0054_audit_writers", "0055_membership_helper_cached_plan",
    "0056_outbox_readers", "0057_recover_same_work", "0058_idempotency_keys",
    "0090_account_settings", "0091_case_history", "0092_institution_search_abbreviations",
    "0093_outbox_newest_first",
])
BASELINE_MARK = "_baseline_"  # baseline files are named 00NN_baseline_<area>.sql
REBUILD = ("oxkair local stop && rm -rf .oxkair && oxkair db upgrade"
           " (elsewhere: drop and recreate the database)")


@dataclass(frozen=True)
class MigrationState:
    id: str
    applied: bool


class _OwnerBackend(PostgresqlPsycopgBackend):  # type: ignore[misc]
    """yoyo's psycopg 3 backend on our connection (TLS, Entra tokens), acting as oxkair_owner."""

    def __init__(self, params: ConnParams) -> None:
        self._params = params
        self._session: Connection[Any] | None = None  # see copy()
        super().__init__(parse_uri("postgresql+psycopg:///oxkair"), "_yoyo_migration")

    def copy(self) -> _OwnerBackend:
        """The backend yoyo applies one migration with. yoyo opens a new connection for each;
        here one second connection serves them all in turn, each in a fresh session (DISCARD
        ALL): a connection costs ~10 ms of TLS and SCRAM, 0.2 s of a new database's 0.8 s."""
        if self._session is None or self._session.closed:
            self._session = connect(self._params, autocommit=True)
            self._session.prepare_threshold = None  # DISCARD ALL drops prepared statements
        return _MigrationSession(self._params, self._session)

    def connect(self, dburi: Any) -> Connection[Any]:
        return connect(self._params, autocommit=True)

    def close(self) -> None:
        self.connection.close()
        if self._session is not None:
            self._session.close()

    def init_connection(self, connection: Connection[Any]) -> None:
        # Objects belong to oxkair_owner whoever the admin is (Azure's admin is no superuser).
        connection.execute(f"SET ROLE {OWNER}")
        connection.execute(f"SET search_path TO {META_SCHEMA}")


class _MigrationSession(_OwnerBackend):
    """The shared second connection, as yoyo's backend for one migration (_OwnerBackend.copy)."""

    def __init__(self, params: ConnParams, session: Connection[Any]) -> None:
        self._shared = session
        super().__init__(params)

    def connect(self, dburi: Any) -> Connection[Any]:
        self._shared.execute("DISCARD ALL")  # nothing of the previous migration's session
        return self._shared

    def __exit__(self, *exc: object) -> None:
        pass  # the connection serves the next migration; the upgrade closes it


def _backend(params: ConnParams) -> _OwnerBackend:
    backend = _OwnerBackend(params)
    backend.init_database()
    return backend


def _applied_ids(backend: _OwnerBackend) -> set[str]:
    backend.ensure_internal_schema_updated()
    cursor = backend.execute("SELECT migration_id FROM _yoyo_migration")
    return {row[0] for row in cursor.fetchall()}


def _carry_over(backend: _OwnerBackend, migrations: Any, say: Callable[[str], None]) -> None:
    """A database the old chain built: mark the baseline applied (it already holds it), in one
    transaction; one the old chain built only in part, or mixed with the baseline: refuse."""
    baseline = [m for m in migrations if BASELINE_MARK in m.id]
    applied = _applied_ids(backend)
    old = applied & OLD_CHAIN_IDS
    marked = applied & {m.id for m in baseline}
    if not baseline or not old or (old == OLD_CHAIN_IDS and len(marked) == len(baseline)):
        return  # no baseline yet, a database the baseline built, or one carried over already
    if old != OLD_CHAIN_IDS or marked:
        raise OxkairError(
            f"this database was built by the pre-release migration chain, but {len(old)} of its "
            f"{len(OLD_CHAIN_IDS)} migrations and {len(marked)} of the {len(baseline)} baseline "
            f"migrations are applied: it cannot be carried over; rebuild it: {REBUILD}")
    backend.mark_migrations(baseline)  # one transaction
    say(f"carried over: this database was built by the pre-release chain, which the baseline "
        f"replaces; marked {len(baseline)} baseline migrations applied without running them")


# The swap of yoyo's reader (load_migrations) is process-wide while a directory loads.
_YOYO_READER_LOCK = threading.Lock()


def _read_whole_sql_migration(path: str) -> tuple[dict[str, str], str, list[str]]:
    """yoyo's read_sql_migration, without the split: a migration file is one step.

    yoyo splits each file into statements with sqlparse (0.4 s for our files) and runs each in a
    savepoint of its own (three round trips per statement): a new database took 1.0 s to build
    where the same files run whole take 0.3 s (`oxkair migrate run` from an empty directory,
    issue 17). A migration is one transaction either way, and an error names the statement."""
    if not os.path.exists(path):
        return {}, "", []
    text = Path(path).read_text(encoding="UTF-8")
    directives, leading_comment, sql = parse_metadata_from_sql_comments(text)
    return directives, leading_comment, [sql] if sql.strip() else []


def load_migrations(migrations_dir: Path = MIGRATIONS_DIR) -> Any:
    """The migrations of a directory, each loaded as one step (see _read_whole_sql_migration)."""
    migrations = read_migrations(str(migrations_dir))
    # yoyo has no option for it: Migration.load calls its module's read_sql_migration, swapped
    # for ours while this directory loads (loading is eager here, so nothing reads it later).
    with _YOYO_READER_LOCK:
        split = yoyo_migrations.read_sql_migration
        yoyo_migrations.read_sql_migration = _read_whole_sql_migration
        try:
            for migration in [*migrations, *migrations.post_apply]:
                migration.load()
        finally:
            yoyo_migrations.read_sql_migration = split
    return migrations


def upgrade(params: ConnParams, migrations_dir: Path = MIGRATIONS_DIR,
            say: Callable[[str], None] = lambda _line: None) -> list[str]:
    """Apply roles.sql and every pending migration; return the ids applied (idempotent).

    A database the pre-release chain built is carried over first (`_carry_over`); `say` gets
    its one line. `migrations_dir` is for tests that build from another chain."""
    with connect(params, autocommit=True) as conn:
        apply_roles(conn)
    backend = _backend(params)
    try:
        migrations = load_migrations(migrations_dir)
        with backend.lock():
            _carry_over(backend, migrations, say)
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.close()


def status(params: ConnParams, migrations_dir: Path = MIGRATIONS_DIR) -> list[MigrationState]:
    backend = _backend(params)
    try:
        migrations = load_migrations(migrations_dir)
        applied = {m.id for m in migrations if backend.is_applied(m)}
        return [MigrationState(m.id, m.id in applied) for m in migrations]
    finally:
        backend.close()


def review_sql(pending_ids: list[str] | None = None) -> str:
    """The SQL a DBA reviews before applying on Azure: roles.sql, then each migration as owner in
    the order `upgrade` applies them (yoyo's `-- depends:` lines included), then the post-apply hooks."""
    from yoyo.migrations import topological_sort

    migrations = read_migrations(str(MIGRATIONS_DIR))
    ordered = [m for m in topological_sort(migrations) if pending_ids is None or m.id in pending_ids]
    parts = [f"-- ==== roles.sql (as the server admin)\n{ROLES_SQL.read_text()}",
             f"SET ROLE {OWNER};\nSET search_path TO {META_SCHEMA};\n"]
    for migration in [*ordered, *migrations.post_apply]:
        path = Path(migration.path)
        parts.append(f"-- ==== {path.name}\n{path.read_text()}")
    return "\n".join(parts)
