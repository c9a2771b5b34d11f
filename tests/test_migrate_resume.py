"""Resumability: `oxkair migrate run` SIGKILLed at several points finishes on rerun, exactly once."""

from __future__ import annotations

import base64
import json
import os
import signal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.local import LocalServer
from tests.fixtures.supabase import Source, Target, oxkair

pytestmark = pytest.mark.slow

KEY = base64.b64encode(os.urandom(32)).decode()


def _run(target: Target, src: Source, tmp: Path, kill: str | None = None) -> Any:
    env = {**target.env, "OXKAIR_ARCHIVE_KEY": KEY}
    if kill:
        env["OXKAIR_MIGRATE_TEST_KILL"] = kill
    return oxkair(env, "migrate", "run", "--source", src.url, "--chunk-rows", "7",
                  "--archive-dir", str(tmp / "archive"), "--report", str(tmp / "report.csv"), cwd=tmp)


def _outcome(server: LocalServer, target: Target, src: Source) -> dict[str, Any]:
    """What must be equal after any history of kills: content hashes, accounting, audit entries."""
    done = oxkair({**target.env}, "migrate", "verify", "--source", src.url, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    hashes = {c["table"]: (c["target_sha256"], c["compared"], c["quarantined"])
              for c in json.loads(done.stdout)}
    with psycopg.connect(**{**server.superuser_conninfo(), "dbname": target.dbname}) as conn:
        # (The archive's manifest differs run to run: fresh nonces and timestamps.)
        state = conn.execute("SELECT table_name, source_rows, migrated, quarantined, excluded, content_sha256"
                             " FROM migration.table_state WHERE table_name <> 'archive'"
                             " ORDER BY table_name").fetchall()
        audits = conn.execute("SELECT table_name, count(*) FROM audit.log WHERE action = 'MIGRATION'"
                              " GROUP BY 1 ORDER BY 1").fetchall()
        quarantine = conn.execute("SELECT table_name, source_id, reason FROM migration.quarantine"
                                  " ORDER BY 1, 2").fetchall()
        # The secondary indexes built and foreign keys checked after the load (0140, 0150) are
        # all back, none left suspended.
        indexes = _indexes(conn) + _foreign_keys(conn)
        suspended = conn.execute("SELECT (SELECT count(*) FROM migration.suspended_indexes)"
                                 " + (SELECT count(*) FROM migration.suspended_foreign_keys)").fetchone()
    return {"hashes": hashes, "state": state, "audits": audits, "quarantine": quarantine,
            "indexes": indexes, "suspended": suspended}


def _indexes(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    return conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                        " AND tablename = 'medical_notes' ORDER BY 1").fetchall()


def _foreign_keys(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    return conn.execute("SELECT conname::text, pg_get_constraintdef(oid) || CASE WHEN convalidated"
                        " THEN '' ELSE ' NOT VALID' END FROM pg_constraint"
                        " WHERE conrelid = 'public.medical_notes'::regclass AND contype = 'f'"
                        " ORDER BY 1").fetchall()


@pytest.fixture(scope="module")
def reference(server: LocalServer, supabase_source: Source, cli_env: dict[str, str],
              tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.fixtures.supabase import drop_database, new_target

    target = new_target(server, cli_env)
    with psycopg.connect(**{**server.superuser_conninfo(), "dbname": target.dbname}) as conn:
        schema_indexes = _indexes(conn) + _foreign_keys(conn)
    tmp = tmp_path_factory.mktemp("reference")
    done = _run(target, supabase_source, tmp)
    assert done.returncode == 0, done.stderr
    outcome = _outcome(server, target, supabase_source)
    assert outcome["indexes"] == schema_indexes and len(schema_indexes) >= 8 + 3
    assert outcome["suspended"] == (0,)
    yield outcome
    drop_database(server, target.dbname)


@pytest.mark.parametrize("kills", [
    ["after_classify:1"],                       # users classified, nothing copied
    ["before_commit:2"],                        # inside a chunk's transaction
    ["after_chunk:9", "after_chunk:3"],         # twice, in different tables
    ["after_classify:5", "before_commit:4"],    # late tables
    ["archive_file:2"],                         # tables done, archive half written
    ["indexes_suspended:1"],                    # the cases' secondary indexes and keys dropped
    ["indexes_restored:1"],                     # indexes built again, keys not yet (0150)
    ["indexes_suspended:1", "after_chunk:4"],   # and again, some cases in
])
def test_killed_run_finishes_on_rerun_with_the_same_content(
        kills: list[str], reference: Any, server: LocalServer, supabase_source: Source,
        make_target: Any, tmp_path: Path) -> None:
    target = make_target()
    for kill in kills:
        killed = _run(target, supabase_source, tmp_path, kill)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
    final = _run(target, supabase_source, tmp_path)
    assert final.returncode == 0, final.stderr
    assert _outcome(server, target, supabase_source) == reference
    manifest = json.loads((tmp_path / "archive" / "manifest.json").read_text())
    assert len(manifest["files"]) == 7


@pytest.mark.parametrize("after_seconds", [3.0, 4.5])
def test_killed_at_an_arbitrary_moment(after_seconds: float, reference: Any, server: LocalServer,
                                       supabase_source: Source, make_target: Any, tmp_path: Path) -> None:
    """SIGKILL by the clock, wherever the run happens to be; the rerun ends the same."""
    import subprocess
    import time

    from tests.fixtures.supabase import OXKAIR

    target = make_target()
    env = {**target.env, "OXKAIR_ARCHIVE_KEY": KEY}
    proc = subprocess.Popen([OXKAIR, "migrate", "run", "--source", supabase_source.url, "--chunk-rows", "7",
                             "--archive-dir", str(tmp_path / "archive"), "--report", str(tmp_path / "r.csv")],
                            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after_seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    final = _run(target, supabase_source, tmp_path)
    assert final.returncode == 0, final.stderr
    assert _outcome(server, target, supabase_source) == reference


def test_status_says_when_the_case_indexes_wait_for_a_rerun(server: LocalServer, supabase_source: Source,
                                                            make_target: Any, tmp_path: Path) -> None:
    target = make_target()
    killed = _run(target, supabase_source, tmp_path, "indexes_suspended:1")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    status = oxkair(target.env, "migrate", "status", "--json")
    assert status.returncode == 1
    suspended = json.loads(status.stdout)["suspended_indexes"]
    assert "public.medical_notes_mrn_idx" in suspended and len(suspended) == 6
    unchecked = json.loads(status.stdout)["suspended_foreign_keys"]
    assert unchecked == ["fk_medical_notes_institution", "medical_notes_provider_user_id_fkey",
                         "medical_notes_user_id_fkey"]
    shown = oxkair(target.env, "migrate", "status")
    assert "6 indexes of public.medical_notes are not built yet" in shown.stdout
    assert "3 foreign keys of public.medical_notes are not checked yet" in shown.stdout
    assert _run(target, supabase_source, tmp_path).returncode == 0
    done = oxkair(target.env, "migrate", "status", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["suspended_indexes"] == []
    assert json.loads(done.stdout)["suspended_foreign_keys"] == []


def test_a_case_that_breaks_a_foreign_key_fails_the_run_and_keeps_the_record(
        server: LocalServer, supabase_source: Source, make_target: Any, tmp_path: Path) -> None:
    """The keys come back validated: a case naming a user who is gone (here: deleted behind the
    migration's back while its keys were away) stops the run with PostgreSQL's reason; the key
    stays recorded, status exits 1, and nothing is added back unchecked."""
    target = make_target()
    killed = _run(target, supabase_source, tmp_path, "indexes_restored:1")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with psycopg.connect(**{**server.superuser_conninfo(), "dbname": target.dbname}) as conn:
        conn.execute("SET session_replication_role = replica")  # past the audit and rule triggers
        conn.execute("UPDATE public.medical_notes SET provider_user_id = gen_random_uuid()"
                     " WHERE id = (SELECT id FROM public.medical_notes WHERE provider_user_id IS NOT NULL"
                     " ORDER BY id LIMIT 1)")
    failed = _run(target, supabase_source, tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "medical_notes_provider_user_id_fkey" in failed.stderr and "Traceback" not in failed.stderr
    status = oxkair(target.env, "migrate", "status", "--json")
    assert status.returncode == 1
    assert "medical_notes_provider_user_id_fkey" in json.loads(status.stdout)["suspended_foreign_keys"]
    with psycopg.connect(**{**server.superuser_conninfo(), "dbname": target.dbname}) as conn:
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conname ="
                            " 'medical_notes_provider_user_id_fkey'").fetchone() == (0,)
