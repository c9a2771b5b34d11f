"""`oxkair migrate run / verify / status`: the accounting, the content, idempotence, tampering."""

from __future__ import annotations

import base64
import csv
import json
import os
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.local import LocalServer
from tests.fixtures.supabase import PASSWORD, Source, Target, create_source, drop_database, oxkair

pytestmark = pytest.mark.slow

TABLES = ["public.institutions", "auth.users", "migration.identities", "public.profiles",
          "public.user_settings", "public.medical_notes"]


def archive_env(env: dict[str, str], tmp: Path) -> dict[str, str]:
    return {**env, "OXKAIR_ARCHIVE_KEY": base64.b64encode(os.urandom(32)).decode()}


def target_conn(server: LocalServer, target: Target) -> psycopg.Connection[Any]:
    """The target as the superuser (inspection and tampering only)."""
    return psycopg.connect(**{**server.superuser_conninfo(), "dbname": target.dbname}, autocommit=True)


@pytest.fixture(scope="module")
def migrated(server: LocalServer, supabase_source: Source, tmp_path_factory: pytest.TempPathFactory,
             cli_env: dict[str, str]) -> Any:
    """One completed migration of the dirty source, shared by the tests of this module."""
    from tests.fixtures.supabase import drop_database, new_target

    tmp = tmp_path_factory.mktemp("migrate")
    target = new_target(server, cli_env)
    env = {**archive_env(target.env, tmp)}
    done = oxkair(env, "migrate", "run", "--source", supabase_source.url,
                  "--archive-dir", str(tmp / "archive"), "--report", str(tmp / "report.csv"),
                  "--chunk-rows", "10", cwd=tmp)
    assert done.returncode == 0, done.stderr + done.stdout
    yield target, env, tmp, done
    drop_database(server, target.dbname)


def test_run_accounts_for_every_row(migrated: Any, supabase_source: Source) -> None:
    target, env, tmp, done = migrated
    assert "migration summary" in done.stdout
    assert "are verified members" in done.stdout
    status = oxkair(env, "migrate", "status", "--json")
    assert status.returncode == 0, status.stderr
    tables = {t["table"]: t for t in json.loads(status.stdout)["tables"]}
    for name in TABLES:
        t = tables[name]
        assert t["phase"] == "done"
        assert t["source_rows"] == t["migrated"] + t["quarantined"] + t["excluded"], name
        assert t["chunks_done"] == t["chunks_total"] > 0
    for name, count in supabase_source.counts.items():
        assert tables[name]["source_rows"] == count
    assert tables["public.attestations"]["excluded"] == 5
    # (13: a creator whose affiliated_institution conflicts is flagged, not quarantined, since issue 12)
    assert tables["public.medical_notes"]["quarantined"] == 13
    assert tables["auth.users"]["flagged"] == 4
    with (tmp / "report.csv").open() as fh:
        report = list(csv.DictReader(fh))
    assert {r["reason"] for r in report if r["table"] == "public.profiles"} >= {
        "affiliated_institution matches 2 institutions", "its user is quarantined"}
    assert not any("Pat" in v for r in report for v in r.values())


def test_run_transforms(migrated: Any, server: LocalServer, supabase_source: Source) -> None:
    target, *_ = migrated
    ids = supabase_source.ids
    insts = ids["institutions"]
    with target_conn(server, target) as conn:
        def one(query: str, *params: Any) -> Any:
            row = conn.execute(query, params).fetchone()
            return row[0] if row else None

        assert one("SELECT institution_id FROM public.profiles WHERE id = %s", ids["link_by_name"]) == insts[
            "Mayo Clinic"]
        assert one("SELECT institution_id FROM public.medical_notes WHERE id = %s",
                   ids["fills_institution"]) == insts["Mayo Clinic"]
        assert one("SELECT count(*) FROM public.profiles WHERE id = %s", ids["ambiguous_affiliation"]) == 0
        assert one("SELECT disabled_at IS NOT NULL FROM auth.users WHERE id = %s", ids["deleted"]) is True
        assert one("SELECT password_hash FROM auth.users WHERE id = %s", ids["oauth_user"]) is None
        assert one("SELECT password_hash FROM auth.users WHERE id = %s", ids["fbscrypt"]) is None
        assert one("SELECT password_hash FROM auth.users WHERE id = %s", ids["envelope"]) is None
        assert one("SELECT password_hash LIKE '$argon2id$%%' FROM auth.users WHERE id = %s",
                   ids["argon2"])
        assert one("SELECT migrated_from FROM auth.users WHERE id = %s", ids["argon2"]) == "supabase"
        assert one("SELECT provider FROM migration.identities WHERE user_id = %s",
                   ids["oauth_user"]) == "google"
        # Quarantined rows are kept with their reason, without GoTrue's secrets.
        row = conn.execute("SELECT reason, row_data FROM migration.quarantine WHERE source_id = %s",
                           [str(ids["dup_a"])]).fetchone()
        assert row and "collides" in row[0] and "encrypted_password" not in row[1]
        # Issue 12: members before the move are verified members; institution_id wins over a
        # conflicting affiliated_institution (flagged, archived, not quarantined); shown names kept.
        assert one("SELECT count(*) FROM public.profiles WHERE institution_id IS NOT NULL"
                   " AND verification_status <> 'verified'") == 0
        assert one("SELECT verification_status FROM public.profiles WHERE id = %s",
                   ids["no_institution"]) == "not verified"
        assert one("SELECT institution_id FROM public.profiles WHERE id = %s",
                   ids["conflicting_affiliation"]) == insts["Mayo Clinic"]
        assert one("SELECT reason FROM migration.flags WHERE source_id = %s",
                   str(ids["conflicting_affiliation"])).startswith("affiliated_institution names another")
        assert one("SELECT count(*) FROM public.medical_notes WHERE id = %s",
                   ids["creator_profile_quarantined"]) == 1
        assert one("SELECT name FROM public.profiles WHERE id = %s",
                   ids["name_only"]) == "Dr. Avery Quinn-Ross"
        assert one("SELECT reason FROM migration.quarantine WHERE source_id = %s",
                   str(ids["name_mismatch"])) == "display name cannot be rebuilt from first_name/last_name"
        # One audit entry per table, none per row.
        audits = conn.execute("SELECT table_name, detail FROM audit.log"
                              " WHERE action = 'MIGRATION'").fetchall()
        assert sorted(a[0] for a in audits) == sorted(set(TABLES) - {"migration.identities"})
        assert all(a[1]["actor"] == "migration" and a[1]["balanced"] for a in audits)
        assert one("SELECT count(*) FROM audit.log WHERE table_name = 'public.medical_notes'"
                   " AND action = 'INSERT'") == 0


def test_migrated_user_logs_in_with_the_original_password(migrated: Any, server: LocalServer,
                                                          supabase_source: Source) -> None:
    from oxkair.auth.passwords import verify_password

    target, *_ = migrated
    user_id, _email = supabase_source.ids["login_user"]
    with target_conn(server, target) as conn:
        row = conn.execute("SELECT password_hash FROM auth.users WHERE id = %s", [user_id]).fetchone()
    assert row and row[0].startswith("$2a$10$")
    valid, new_hash = verify_password(PASSWORD, row[0])
    assert valid and new_hash and new_hash.startswith("$argon2id$")  # re-hashed at first login
    assert verify_password("wrong password", row[0])[0] is False


def test_rerun_after_success_changes_nothing(migrated: Any, server: LocalServer,
                                            supabase_source: Source) -> None:
    target, env, tmp, _ = migrated

    def fingerprint() -> Any:
        with target_conn(server, target) as conn:
            return conn.execute(
                "SELECT (SELECT count(*) FROM audit.log), (SELECT count(*) FROM migration.run_log),"
                " (SELECT count(*) FROM public.medical_notes), (SELECT count(*) FROM auth.users),"
                " (SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM public.medical_notes)").fetchone()

    before = fingerprint()
    again = oxkair(env, "migrate", "run", "--source", supabase_source.url,
                   "--archive-dir", str(tmp / "archive"), "--report", str(tmp / "report2.csv"), cwd=tmp)
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stdout
    assert fingerprint() == before


def test_verify_passes_then_catches_a_changed_row(migrated: Any, server: LocalServer,
                                                  supabase_source: Source) -> None:
    target, env, *_ = migrated
    ok = oxkair(env, "migrate", "verify", "--source", supabase_source.url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "source and target match" in ok.stdout
    victim = supabase_source.ids["linked_creator"]
    with target_conn(server, target) as conn, conn.transaction():
        conn.execute("SET LOCAL oxkair.bulk_load = 'on'")
        conn.execute("UPDATE public.medical_notes SET mrn = 'TAMPERED' WHERE id = %s", [victim])
    try:
        bad = oxkair(env, "migrate", "verify", "--source", supabase_source.url, "--json")
        assert bad.returncode == 1
        report = {c["table"]: c for c in json.loads(bad.stdout)}
        notes = report["public.medical_notes"]
        assert notes["mismatch_count"] == 1
        assert notes["mismatches"][0]["id"] == str(victim)
        assert "mrn" in notes["mismatches"][0]["columns"]
        assert "TAMPERED" not in bad.stdout  # names columns, never values
        assert notes["source_sha256"] != notes["target_sha256"]
    finally:
        with target_conn(server, target) as conn:
            conn.execute("UPDATE public.medical_notes SET mrn = 'MRN-D' WHERE id = %s", [victim])
    # A member quietly demoted (or promoted) after the move is caught too.
    member = supabase_source.ids["link_by_name"]
    with target_conn(server, target) as conn:
        conn.execute("UPDATE public.profiles SET verification_status = 'rejected' WHERE id = %s", [member])
    try:
        bad = oxkair(env, "migrate", "verify", "--source", supabase_source.url, "--json")
        assert bad.returncode == 1
        profiles = {c["table"]: c for c in json.loads(bad.stdout)}["public.profiles"]
        assert [m["id"] for m in profiles["mismatches"]] == [str(member)]
        assert "verification_status" in profiles["mismatches"][0]["columns"]
    finally:
        with target_conn(server, target) as conn:
            conn.execute("UPDATE public.profiles SET verification_status = 'verified' WHERE id = %s",
                         [member])


def test_archive_decrypts_and_detects_tampering(migrated: Any, tmp_path: Path) -> None:
    target, env, tmp, _ = migrated
    archive = tmp / "archive"
    manifest = json.loads((archive / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} >= {"attestations", "medical_notes.removed_columns"}
    out = tmp_path / "plain"
    done = oxkair(env, "migrate", "decrypt-archive", str(archive), "--out", str(out))
    assert done.returncode == 0, done.stderr
    with (out / "attestations.csv").open() as fh:
        assert len(list(csv.reader(fh))) == 1 + 5
    assert "content" in (out / "medical_notes.removed_columns.csv").read_text().splitlines()[0]
    wrong = oxkair({**env, "OXKAIR_ARCHIVE_KEY": base64.b64encode(os.urandom(32)).decode()},
                   "migrate", "decrypt-archive", str(archive), "--out", str(tmp_path / "x"))
    assert wrong.returncode == 1 and "HMAC" in wrong.stderr
    enc = archive / "panel_flags.csv.enc"
    data = bytearray(enc.read_bytes())
    data[-5] ^= 1
    copy_dir = tmp_path / "tampered"
    copy_dir.mkdir()
    for f in archive.iterdir():
        (copy_dir / f.name).write_bytes(bytes(data) if f.name == enc.name else f.read_bytes())
    bad = oxkair(env, "migrate", "decrypt-archive", str(copy_dir), "--out", str(tmp_path / "y"))
    assert bad.returncode == 1 and "checksum" in bad.stderr


def test_run_refuses_without_archive_key(supabase_source: Source, make_target: Any, tmp_path: Path) -> None:
    target = make_target()
    done = oxkair(target.env, "migrate", "run", "--source", supabase_source.url, cwd=tmp_path)
    assert done.returncode == 1
    assert "OXKAIR_ARCHIVE_KEY" in done.stderr and "--no-archive" in done.stderr


def test_migration_sessions_run_without_jit(supabase_source: Source, make_target: Any) -> None:
    """Every chunk's INSERT ... SELECT reads a fresh stage table without statistics: with JIT on,
    each one compiled code for ~200 ms (a quarter of the chunk) to run it once."""
    from oxkair.migrate.conn import SourceSnapshot, source_params, target_connection

    target = make_target()
    snapshot = SourceSnapshot(source_params(supabase_source.url))
    reader = snapshot.reader()
    tgt = target_connection(target.settings)
    try:
        for conn in (snapshot.leader, reader, tgt):
            assert conn.execute("SHOW jit").fetchone() == ("off",)
        assert tgt.execute("SELECT current_user").fetchone() == ("oxkair_migrator",)
    finally:
        tgt.close()
        reader.close()
        snapshot.close()


def test_the_case_indexes_and_keys_stay_on_a_table_that_holds_cases(migrated: Any,
                                                                   server: LocalServer) -> None:
    """0140 and 0150 let the migrator drop the cases' secondary indexes and foreign keys only
    while the table is empty; it cannot forge or erase their record either."""
    target, *_ = migrated
    query = ("SELECT indexdef FROM pg_indexes WHERE tablename = 'medical_notes'"
             " UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint"
             " WHERE conrelid = 'public.medical_notes'::regclass ORDER BY 1")
    with psycopg.connect(**{**server.conninfo("oxkair_admin"), "dbname": target.dbname},
                         autocommit=True) as conn:
        before = conn.execute(query).fetchall()
        conn.execute("SET ROLE oxkair_migrator")
        assert conn.execute("SELECT migration.suspend_case_indexes(),"
                            " migration.suspend_case_foreign_keys()").fetchone() == (0, 0)
        assert conn.execute(query).fetchall() == before and len(before) >= 8 + 3
        for record in ("suspended_indexes", "suspended_foreign_keys"):
            assert conn.execute(f"SELECT count(*) FROM migration.{record}").fetchone() == (0,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"DELETE FROM migration.{record}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("INSERT INTO migration.suspended_indexes (index_name, definition)"
                         " VALUES ('x', 'DROP TABLE public.medical_notes')")
        # 0140's all-at-once rebuild is gone (0160): nothing called it since 0150.
        assert conn.execute("SELECT to_regprocedure('migration.restore_case_indexes()')"
                            ).fetchone() == (None,)
        # A name that was never recorded builds nothing.
        assert conn.execute("SELECT migration.restore_case_index('public.medical_notes_pkey')"
                            ).fetchone() == (False,)


@pytest.mark.parametrize("role", ["oxkair_api", "oxkair_auditor"])
def test_only_the_migrator_may_suspend_or_rebuild_the_case_indexes(login: Any, role: str) -> None:
    with login(role) as conn:
        for function in ("suspend_case_indexes()", "restore_case_index('x')",
                         "suspend_case_foreign_keys()", "restore_case_foreign_keys()"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"SELECT migration.{function}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"SET LOCAL ROLE oxkair_authenticated; SELECT migration.{function}")


def _temp_files(server: LocalServer, dbname: str) -> int:
    """The database's temp-file count once its sessions have ended (a backend adds its counts
    when it exits, which may be just after its client has gone)."""
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as su:
        for _ in range(100):
            if not su.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                              [dbname]).fetchone()[0]:  # type: ignore[index]
                break
            time.sleep(0.05)
        su.execute("SELECT pg_stat_clear_snapshot()")
        row = su.execute("SELECT temp_files FROM pg_stat_database WHERE datname = %s", [dbname]).fetchone()
    assert row
    return int(row[0])


def test_a_chunk_sorts_and_checks_in_memory(server: LocalServer, make_target: Any, tmp_path: Path) -> None:
    """One chunk of 3,000 ~6 KB cases: its sort on the source (~4.5 MB) and the bulk check's
    transition table on the target (~18 MB) both outgrew the default work_mem and went to temp
    files (at 100k cases, ~166 MB and ~640 MB of them); the run sets enough for them."""
    src = create_source(server, notes=3000, users_per_group=4, note_bytes=6000, dirty=False)
    target = make_target()
    try:
        before = (_temp_files(server, src.dbname), _temp_files(server, target.dbname))
        done = oxkair(target.env, "migrate", "run", "--source", src.url, "--no-archive",
                      "--chunk-rows", "3000", cwd=tmp_path)
        assert done.returncode == 0, done.stderr + done.stdout
        with target_conn(server, target) as tgt:
            assert tgt.execute("SELECT count(*) FROM public.medical_notes").fetchone() == (3000,)
        after = (_temp_files(server, src.dbname), _temp_files(server, target.dbname))
        assert after == before, f"temp files (source, target): {before} -> {after}"
    finally:
        drop_database(server, src.dbname, src.role)
