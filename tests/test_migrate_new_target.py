"""`oxkair migrate run` from an empty working directory: the run makes its embedded target while it
starts on the source (migrate/ahead.py), and decides exactly what a run into a made target does."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.local import LocalServer
from oxkair.migrate.conn import source_params
from oxkair.migrate.copy import RunOptions, run
from oxkair.migrate.tables import TABLES
from tests.fixtures.supabase import Source, create_source, drop_database, oxkair

pytestmark = pytest.mark.slow

DECISIONS = ("SELECT 'quarantine', table_name, source_id::text, reason FROM migration.quarantine"
             " UNION ALL SELECT 'flag', table_name, source_id::text, reason FROM migration.flags"
             " UNION ALL SELECT 'chunk', table_name, chunk_no::text, coalesce(lo::text, '') || '..'"
             " || coalesce(hi::text, '') || ' ' || content_sha256 FROM migration.chunks")


def _embedded_env(cli_env: dict[str, str], home: Path) -> dict[str, str]:
    """No PG* settings: the CLI uses (and here first makes) the embedded server in `home`."""
    return {**cli_env, "OXKAIR_HOME": str(home),
            "OXKAIR_ARCHIVE_KEY": base64.b64encode(os.urandom(32)).decode()}


def _decisions(conn: psycopg.Connection[Any]) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in conn.execute(DECISIONS).fetchall()}


def test_run_from_an_empty_directory_decides_as_a_run_into_a_made_target(
        supabase_source: Source, make_target: Any, server: LocalServer, cli_env: dict[str, str],
        tmp_path: Path) -> None:
    home = tmp_path / ".oxkair"
    env = _embedded_env(cli_env, home)
    new = LocalServer(home)
    try:
        done = oxkair(env, "migrate", "run", "--source", supabase_source.url, "--chunk-rows", "10",
                      "--archive-dir", str(tmp_path / "archive"), cwd=tmp_path)
        assert done.returncode == 0, done.stderr + done.stdout
        assert new.initialized and "migration summary" in done.stdout
        status = json.loads(oxkair(env, "migrate", "status", "--json").stdout)
        tables = {t["table"]: t for t in status["tables"]}
        assert all(t["phase"] == "done" for t in tables.values())
        for name, count in supabase_source.counts.items():
            assert tables[name]["source_rows"] == count
        assert tables["public.medical_notes"]["quarantined"] == 13
        assert tables["auth.users"]["flagged"] == 4
        assert (tmp_path / "archive" / "manifest.json").exists()
        verified = oxkair(env, "migrate", "verify", "--source", supabase_source.url)
        assert verified.returncode == 0, verified.stdout + verified.stderr

        made = make_target()
        again = oxkair(made.env, "migrate", "run", "--source", supabase_source.url, "--chunk-rows", "10",
                       "--no-archive", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        with psycopg.connect(**new.superuser_conninfo()) as a, psycopg.connect(
                **{**server.superuser_conninfo(), "dbname": made.dbname}) as b:
            ours, reference = _decisions(a), _decisions(b)
        assert ours == reference and len(ours) > 30
    finally:
        new.destroy()


def test_a_source_that_cannot_be_migrated_makes_no_target(server: LocalServer, cli_env: dict[str, str],
                                                          tmp_path: Path) -> None:
    src = create_source(server, notes=3, dirty=False)
    home = tmp_path / ".oxkair"
    try:
        with src.connect() as conn:
            conn.execute("ALTER TABLE public.profiles DROP COLUMN affiliated_institution")
        done = oxkair(_embedded_env(cli_env, home), "migrate", "run", "--source", src.url, cwd=tmp_path)
        assert done.returncode == 1
        assert "does not have the expected schema" in done.stderr and "Traceback" not in done.stderr
        assert not LocalServer(home).initialized
    finally:
        LocalServer(home).destroy()
        drop_database(server, src.dbname, src.role)


def test_classifications_made_ahead_are_redone_when_the_target_refused_rows(
        supabase_source: Source, make_target: Any, server: LocalServer, tmp_path: Path) -> None:
    """The classifications made while the target is made assume it refuses nothing. Here it
    refuses a user (its email is taken): the later tables must be classified again with that
    user quarantined, or its profile, settings and cases would be refused one by one (or worse,
    loaded without it). The run is driven in-process with a target that exists, as if new."""
    target = make_target()
    coder = supabase_source.ids["coders"][1]
    with supabase_source.connect() as src:
        row = src.execute("SELECT email FROM auth.users WHERE id = %s", [coder]).fetchone()
    assert row
    with psycopg.connect(**{**server.superuser_conninfo(), "dbname": target.dbname}, autocommit=True) as conn:
        conn.execute("INSERT INTO auth.users (email) VALUES (%s)", [row[0].upper()])
        made: list[bool] = []
        result = run(target.settings, RunOptions(source_params(supabase_source.url), chunk_rows=10),
                     make_target=lambda: made.append(True))
        assert made == [True] and result.balanced
        reasons = dict(conn.execute("SELECT table_name, reason FROM migration.quarantine"
                                    " WHERE source_id = %s", [str(coder)]).fetchall())
        migrated = {spec.target for spec in TABLES}
    assert reasons["auth.users"].startswith("refused by the target (users_email_lower_key)")
    # Classified again with the refused user: "its user is quarantined", not a refusal of its own.
    assert reasons["public.profiles"] == "its user is quarantined"
    assert reasons["public.user_settings"] == "its user is quarantined"
    assert set(reasons) <= migrated
