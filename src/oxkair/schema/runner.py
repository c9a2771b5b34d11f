"""Versioned schema migrations with yoyo-migrations, run as oxkair_owner; roles.sql before them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from psycopg import Connection
from yoyo import read_migrations
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri

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
        super().__init__(parse_uri("postgresql+psycopg:///oxkair"), "_yoyo_migration")

    def copy(self) -> _OwnerBackend:
        return _OwnerBackend(self._params)

    def connect(self, dburi: Any) -> Connection[Any]:
        return connect(self._params, autocommit=True)

    def init_connection(self, connection: Connection[Any]) -> None:
        # Objects belong to oxkair_owner whoever the admin is (Azure's admin is no superuser).
        connection.execute(f"SET ROLE {OWNER}")
        connection.execute(f"SET search_path TO {META_SCHEMA}")


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


def load_migrations(migrations_dir: Path = MIGRATIONS_DIR) -> Any:
    """The migrations, read and split into statements (yoyo parses each file with sqlparse: about
    0.4 s for the whole directory, worth doing while something else waits, see target.ready)."""
    migrations = read_migrations(str(migrations_dir))
    for migration in [*migrations, *migrations.post_apply]:
        migration.load()
    return migrations


def upgrade(params: ConnParams, migrations_dir: Path = MIGRATIONS_DIR,
            say: Callable[[str], None] = lambda _line: None, migrations: Any = None) -> list[str]:
    """Apply roles.sql and every pending migration; return the ids applied (idempotent).

    A database the pre-release chain built is carried over first (`_carry_over`); `say` gets
    its one line. `migrations_dir` is for tests that build from another chain; `migrations`, when
    given, are those of load_migrations(migrations_dir), already read."""
    with connect(params, autocommit=True) as conn:
        apply_roles(conn)
    backend = _backend(params)
    try:
        migrations = migrations if migrations is not None else read_migrations(str(migrations_dir))
        with backend.lock():
            _carry_over(backend, migrations, say)
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.connection.close()


def status(params: ConnParams, migrations_dir: Path = MIGRATIONS_DIR) -> list[MigrationState]:
    backend = _backend(params)
    try:
        migrations = read_migrations(str(migrations_dir))
        applied = {m.id for m in migrations if backend.is_applied(m)}
        return [MigrationState(m.id, m.id in applied) for m in migrations]
    finally:
        backend.connection.close()


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
