"""Versioned schema migrations with yoyo-migrations, run as oxkair_owner; roles.sql before them."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from psycopg import Connection
from yoyo import read_migrations
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri

from oxkair.db.connect import ConnParams, connect

SCHEMA_DIR = Path(str(files("oxkair.schema")))
MIGRATIONS_DIR = SCHEMA_DIR / "migrations"
ROLES_SQL = SCHEMA_DIR / "roles.sql"
META_SCHEMA = "oxkair_meta"  # yoyo's bookkeeping tables, away from the application's schemas
OWNER = "oxkair_owner"


@dataclass(frozen=True)
class MigrationState:
    id: str
    applied: bool


def apply_roles(conn: Connection[Any]) -> None:
    """Create the access model's roles (idempotent). Needs CREATEROLE, never a superuser."""
    conn.execute(ROLES_SQL.read_text())


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


def upgrade(params: ConnParams, migrations_dir: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply roles.sql and every pending migration; return the ids applied (idempotent).

    `migrations_dir` is for tests that build from another chain (tests/fixtures/schema_chain_v0)."""
    with connect(params, autocommit=True) as conn:
        apply_roles(conn)
    backend = _backend(params)
    try:
        migrations = read_migrations(str(migrations_dir))
        with backend.lock():
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
