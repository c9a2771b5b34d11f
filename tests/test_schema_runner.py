"""The migration runner's own promises: a migration file is one transaction, applied whole or not at
all, and each migration starts in a fresh session as oxkair_owner (the runner reuses one
connection for all of them; runner._OwnerBackend.copy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.schema.runner import upgrade


@pytest.fixture()
def database(scratch_db: Any) -> dict[str, Any]:
    """An empty database owned by the admin (tests/fixtures/ops.py), upgraded as the admin."""
    params: dict[str, Any] = scratch_db("oxkair_runner_probe")
    return params


def _one(params: dict[str, Any], query: str) -> Any:
    with psycopg.connect(**params) as conn:
        row = conn.execute(query).fetchone()
    return row[0] if row else None


def test_a_failing_migration_leaves_nothing_and_stops_the_upgrade(database: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    (tmp_path / "0001_first.sql").write_text("CREATE SCHEMA probe_first;\n")
    (tmp_path / "0002_fails.sql").write_text(
        "-- Creates a table, then fails: the table must not stay.\n"
        "CREATE TABLE probe_first.half (id int);\n"
        "INSERT INTO probe_first.half VALUES (1);\n"
        "SELECT 1 / 0;\n")
    (tmp_path / "0003_after.sql").write_text("CREATE SCHEMA probe_after;\n")
    with pytest.raises(psycopg.errors.DivisionByZero):
        upgrade(database, tmp_path)
    applied = _one(database, "SELECT array_agg(migration_id ORDER BY migration_id)"
                             " FROM oxkair_meta._yoyo_migration")
    assert applied == ["0001_first"]
    assert _one(database, "SELECT to_regclass('probe_first.half')") is None
    assert _one(database, "SELECT count(*) FROM pg_namespace WHERE nspname = 'probe_after'") == 0
    # Fixed, the upgrade goes on from where it stopped.
    (tmp_path / "0002_fails.sql").write_text("CREATE TABLE probe_first.half (id int);\n")
    assert upgrade(database, tmp_path) == ["0002_fails", "0003_after"]


def test_each_migration_starts_a_fresh_session_as_the_owner(database: dict[str, Any],
                                                            tmp_path: Path) -> None:
    (tmp_path / "0001_changes_its_session.sql").write_text(
        "SET application_name = 'left over';\n"
        "RESET ROLE;\n"
        "SET search_path TO public;\n"
        "CREATE TEMP TABLE probe_temp (id int);\n")
    (tmp_path / "0002_looks_at_its_session.sql").write_text(
        "CREATE TABLE probe_session AS SELECT current_setting('application_name') AS app,"
        " current_user::text AS who, to_regclass('pg_temp.probe_temp') IS NULL AS no_temp;\n")
    upgrade(database, tmp_path)
    with psycopg.connect(**database) as conn:
        row = conn.execute("SELECT app, who, no_temp, (SELECT relowner::regrole::text FROM pg_class"
                           " WHERE oid = 'oxkair_meta.probe_session'::regclass)"
                           " FROM oxkair_meta.probe_session").fetchone()
    assert row is not None
    app, who, no_temp, owner = row
    assert app != "left over" and no_temp
    assert who == owner == "oxkair_owner"
