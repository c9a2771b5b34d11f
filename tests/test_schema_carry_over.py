"""A database the pre-release chain built is carried over to the baseline, or refused with the
command that rebuilds it; never half-upgraded (issue 16). Later migrations apply on top."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from oxkair.errors import OxkairError
from oxkair.local import LocalServer
from oxkair.schema.runner import OLD_CHAIN_IDS, REBUILD, status, upgrade

CHAIN_V0 = Path(__file__).resolve().parent / "fixtures" / "schema_chain_v0"
LATER = "0060_carry_over_probe"


@pytest.fixture()
def database(server: LocalServer) -> Iterator[dict[str, Any]]:
    admin = server.superuser_conninfo()
    name = "oxkair_carry_over"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER oxkair_admin").format(sql.Identifier(name)))
    yield {**admin, "dbname": name}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(drop)


@pytest.fixture()
def new_dir(tmp_path: Path) -> Path:
    """The migrations as they stand after the baseline: baseline files, then a later migration."""
    new = tmp_path / "new"
    new.mkdir()
    (new / "0001_baseline_schemas.sql").write_text("CREATE SCHEMA must_not_run_a;\n")
    (new / "0002_baseline_tables.sql").write_text("CREATE SCHEMA must_not_run_b;\n")
    (new / f"{LATER}.sql").write_text("CREATE TABLE app.carry_over_probe (id int);\n")
    return new


def _applied(params: dict[str, Any]) -> set[str]:
    with psycopg.connect(**params) as conn:
        return {r[0] for r in conn.execute("SELECT migration_id FROM oxkair_meta._yoyo_migration")}


def _has(params: dict[str, Any], regclass: str) -> bool:
    with psycopg.connect(**params) as conn:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL", [regclass]).fetchone() == (True,)


def _schemas(params: dict[str, Any]) -> set[str]:
    with psycopg.connect(**params) as conn:
        return {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}


@pytest.mark.slow
def test_a_database_the_old_chain_built_is_carried_over(database: dict[str, Any], new_dir: Path) -> None:
    upgrade(database, CHAIN_V0)
    lines: list[str] = []
    applied = upgrade(database, new_dir, say=lines.append)
    assert applied == [LATER]  # the later migration runs on top; the baseline is only marked
    assert len(lines) == 1 and lines[0].startswith("carried over:")
    assert {"must_not_run_a", "must_not_run_b"}.isdisjoint(_schemas(database))
    assert _applied(database) >= OLD_CHAIN_IDS | {"0001_baseline_schemas", "0002_baseline_tables", LATER}
    assert all(s.applied for s in status(database, new_dir))
    lines.clear()
    assert upgrade(database, new_dir, say=lines.append) == [] and lines == []  # forward-only again


@pytest.mark.slow
def test_a_partly_built_old_chain_is_refused_untouched(
        database: dict[str, Any], new_dir: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    for f in sorted(CHAIN_V0.glob("00*.sql"))[:5]:
        shutil.copy(f, partial / f.name)
    upgrade(database, partial)
    before = _applied(database)
    with pytest.raises(OxkairError) as refused:
        upgrade(database, new_dir)
    message = str(refused.value)
    assert "\n" not in message and REBUILD in message and f"5 of its {len(OLD_CHAIN_IDS)}" in message
    assert _applied(database) == before and not _has(database, "app.carry_over_probe")
    assert {"must_not_run_a", "must_not_run_b"}.isdisjoint(_schemas(database))


@pytest.mark.slow
def test_a_mix_of_old_chain_and_baseline_is_refused(database: dict[str, Any], new_dir: Path) -> None:
    upgrade(database, CHAIN_V0)
    half = new_dir.parent / "half"
    half.mkdir()
    (half / "0001_baseline_schemas.sql").write_text("SELECT 1;\n")
    before = _applied(database)
    upgrade(database, half)  # a baseline of one file: carried over (all old ids, none marked)
    assert _applied(database) == before | {"0001_baseline_schemas"}
    with pytest.raises(OxkairError, match="1 of the 2 baseline"):
        upgrade(database, new_dir)  # the second baseline file is not marked: a mix
    assert not _has(database, "app.carry_over_probe")


def test_old_chain_ids_are_the_fixture_and_baseline_ids_fit_before_0060() -> None:
    """The carried-over id list is the fixture's; baseline files (when present) take new ids that
    sort before the later migrations (0060+) and never reuse an old id."""
    from oxkair.schema.runner import BASELINE_MARK, MIGRATIONS_DIR

    assert {f.stem for f in CHAIN_V0.glob("00*.sql")} == OLD_CHAIN_IDS
    for f in MIGRATIONS_DIR.glob("00*.sql"):
        if BASELINE_MARK in f.stem:
            assert f.stem not in OLD_CHAIN_IDS and f.stem < "0060", f.name
