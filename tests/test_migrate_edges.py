"""`oxkair migrate`: dry run, rows the target refuses, a source without the expected schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.local import LocalServer
from tests.fixtures.supabase import Source, oxkair

pytestmark = pytest.mark.slow


def _target(server: LocalServer, dbname: str) -> psycopg.Connection[Any]:
    return psycopg.connect(**{**server.superuser_conninfo(), "dbname": dbname}, autocommit=True)


def test_dry_run_writes_nothing(supabase_source: Source, make_target: Any, server: LocalServer,
                                tmp_path: Path) -> None:
    target = make_target()
    done = oxkair(target.env, "migrate", "run", "--source", supabase_source.url, "--dry-run", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "dry run: nothing was written" in done.stdout and "quarantine" in done.stdout
    with _target(server, target.dbname) as conn:
        row = conn.execute("SELECT (SELECT count(*) FROM migration.table_state),"
                           " (SELECT count(*) FROM public.medical_notes)").fetchone()
    assert row == (0, 0)
    assert not (tmp_path / "oxkair-migration-archive").exists()


def test_rows_the_target_refuses_are_quarantined_not_lost(supabase_source: Source, make_target: Any,
                                                          server: LocalServer, tmp_path: Path) -> None:
    """A user already in the target under the same email (any case): the source's copy is refused
    by the target's unique index; it and everything depending on it land in the quarantine."""
    target = make_target()
    coder = supabase_source.ids["coders"][1]
    with supabase_source.connect() as src:
        row = src.execute("SELECT email FROM auth.users WHERE id = %s", [coder]).fetchone()
    assert row
    email = row[0]
    with _target(server, target.dbname) as conn:
        conn.execute("INSERT INTO auth.users (email) VALUES (%s)", [email.upper()])
    done = oxkair(target.env, "migrate", "run", "--source", supabase_source.url, "--no-archive", cwd=tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    with _target(server, target.dbname) as conn:
        reasons = dict(conn.execute("SELECT table_name, reason FROM migration.quarantine"
                                    " WHERE source_id = %s", [str(coder)]).fetchall())
        cases = conn.execute("SELECT count(*) FROM migration.quarantine"
                             " WHERE table_name = 'public.medical_notes'"
                             " AND reason = 'its creator is quarantined'").fetchone()
    assert reasons["auth.users"].startswith("refused by the target (users_email_lower_key)")
    assert reasons["public.profiles"] == "its user is quarantined"
    assert reasons["public.user_settings"] == "its user is quarantined"
    assert cases and cases[0] >= 2  # the fixture's dup user's case, and this coder's cases
    status = json.loads(oxkair(target.env, "migrate", "status", "--json").stdout)
    assert all(t["source_rows"] == t["migrated"] + t["quarantined"] + t["excluded"] for t in status["tables"])
    ok = oxkair(target.env, "migrate", "verify", "--source", supabase_source.url)
    # The pre-existing user is not from the source, and the verify does not count it.
    assert ok.returncode == 0, ok.stdout


def test_source_without_the_expected_schema_is_refused(server: LocalServer, make_target: Any,
                                                       tmp_path: Path) -> None:
    from tests.fixtures.supabase import create_source, drop_database

    src = create_source(server, notes=3, dirty=False)
    try:
        with src.connect() as conn:
            conn.execute("ALTER TABLE public.profiles DROP COLUMN affiliated_institution")
        plan = oxkair({**make_target().env}, "migrate", "plan", "--source", src.url)
        assert plan.returncode == 2
        assert "public.profiles lacks affiliated_institution" in plan.stdout
        target = make_target()
        run = oxkair({**target.env, "OXKAIR_ARCHIVE_KEY": "A" * 43 + "="}, "migrate", "run",
                     "--source", src.url, cwd=tmp_path)
        assert run.returncode == 1
        assert "does not have the expected schema" in run.stderr
    finally:
        drop_database(server, src.dbname, src.role)


def test_unreachable_source_is_one_line(make_target: Any, tmp_path: Path) -> None:
    target = make_target()
    done = oxkair(target.env, "migrate", "plan", "--source",
                  "postgresql://postgres:secret-pw@127.0.0.1:1/postgres?sslmode=require")
    assert done.returncode == 1
    assert "cannot connect" in done.stderr and "secret-pw" not in done.stderr
    assert "Traceback" not in done.stderr


def test_verify_before_any_run_says_so_in_one_line(supabase_source: Source, make_target: Any) -> None:
    target = make_target()
    done = oxkair(target.env, "migrate", "verify", "--source", supabase_source.url)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no migration has run into this target" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_parallel_readers_share_one_snapshot(server: LocalServer) -> None:
    from oxkair.migrate.conn import SourceSnapshot, source_params
    from tests.fixtures.supabase import create_source, drop_database

    src = create_source(server, notes=3, dirty=False)
    try:
        snapshot = SourceSnapshot(source_params(src.url))
        try:
            before = snapshot.leader.execute("SELECT count(*) FROM public.medical_notes").fetchone()
            with src.connect() as writer:
                writer.execute("DELETE FROM public.medical_notes")
            reader = snapshot.reader()
            try:
                assert reader.execute("SELECT count(*) FROM public.medical_notes").fetchone() == before
            finally:
                reader.close()
        finally:
            snapshot.close()
    finally:
        drop_database(server, src.dbname, src.role)


def test_status_lists_chunks(supabase_source: Source, make_target: Any, tmp_path: Path) -> None:
    target = make_target()
    empty = oxkair(target.env, "migrate", "status")
    assert empty.returncode == 1 and "no migration has started" in empty.stdout
    killed = oxkair({**target.env, "OXKAIR_MIGRATE_TEST_KILL": "after_chunk:2"}, "migrate", "run",
                    "--source", supabase_source.url, "--no-archive", "--chunk-rows", "10", cwd=tmp_path)
    assert killed.returncode == -9
    partial = oxkair(target.env, "migrate", "status", "--json", "--chunks")
    assert partial.returncode == 1
    report = json.loads(partial.stdout)
    assert any(not c["done"] for c in report["chunks"]) and any(c["done"] for c in report["chunks"])
    assert report["last_run"]["finished_at"] is None
