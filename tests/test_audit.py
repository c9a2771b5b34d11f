"""The audit trail: who did what, password hashes never, and tampering found by `oxkair audit verify`."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import Connection

from oxkair.local import LocalServer
from oxkair.schema.runner import MIGRATIONS_DIR
from tests.fixtures.data import make_case, make_institution, make_user
from tests.fixtures.db import acting_as


def _entries(conn: Connection[Any], table: str, row_id: Any) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT action, actor_user_id, db_role, old_values, new_values FROM audit.log"
        " WHERE table_name = %s AND row_id = %s ORDER BY at, seq", [table, str(row_id)]).fetchall()


def test_each_write_names_the_end_user(su: Connection[Any]) -> None:
    inst = make_institution(su)
    coder = make_user(su, "Medical Coder", inst)
    provider = make_user(su, "Provider", inst)
    case = make_case(su, coder, provider, "PENDING_CODER_REVIEW")
    with acting_as(su, coder):
        su.execute("UPDATE public.medical_notes SET status = 'PENDING_PROVIDER_REVIEW',"
                   " progress_notes = 'reviewed' WHERE id = %s", [case])
    action, actor, role, old, new = _entries(su, "public.medical_notes", case)[-1]
    assert (action, actor, role) == ("UPDATE", coder, "oxkair_authenticated")
    assert old["status"] == "PENDING_CODER_REVIEW" and new["status"] == "PENDING_PROVIDER_REVIEW"
    assert old["progress_notes"] is None and new["progress_notes"] == "reviewed"
    assert "operative_notes" not in new  # only the columns that changed
    assert _entries(su, "public.medical_notes", case)[0][0] == "INSERT"


def test_password_hashes_are_never_recorded(su: Connection[Any]) -> None:
    row = su.execute("INSERT INTO auth.users (email, password_hash) VALUES ('h@example.org', 'secret-hash')"
                     " RETURNING id").fetchone()
    assert row
    su.execute("UPDATE auth.users SET password_hash = 'other-secret' WHERE id = %s", [row[0]])
    su.execute("UPDATE auth.users SET email = 'h2@example.org' WHERE id = %s", [row[0]])
    entries = _entries(su, "auth.users", row[0])
    assert [e[0] for e in entries] == ["INSERT", "UPDATE"]  # the hash-only change records nothing
    assert "secret" not in str(entries)


def test_reads_go_to_the_access_log(su: Connection[Any]) -> None:
    inst = make_institution(su)
    coder = make_user(su, "Medical Coder", inst)
    case = make_case(su, coder)
    with acting_as(su, coder):
        su.execute("SELECT app.log_case_reads(ARRAY[%s]::uuid[], %s)", [case, "GET /cases"])
    row = su.execute("SELECT actor_user_id, db_role, detail FROM audit.log WHERE action = 'READ'"
                     " ORDER BY at DESC LIMIT 1").fetchone()
    assert row == (coder, "oxkair_authenticated",
                   {"endpoint": "GET /cases", "count": 1, "row_ids": [str(case)]})


def test_append_only_even_for_the_owner(su: Connection[Any]) -> None:
    make_institution(su)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"), su.transaction():
        su.execute("SET LOCAL ROLE oxkair_owner")
        su.execute("DELETE FROM audit.log")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"), su.transaction():
        su.execute("UPDATE audit.log SET action = 'x'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"), su.transaction():
        su.execute("TRUNCATE audit.log")


@pytest.mark.parametrize("role", ["oxkair_api", "oxkair_migrator"])
def test_login_roles_cannot_remove_audit_rows(login: Any, role: str) -> None:
    with login(role) as conn:
        for statement in ("DELETE FROM audit.log", "UPDATE audit.log SET action = 'x'",
                          "TRUNCATE audit.log", "UPDATE audit.chain_head SET seq = 0",
                          "DELETE FROM audit.log_y2026", "TRUNCATE audit.log_y2026"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)


# ───────────────────────────────────────────────────────────── tampering, found by the CLI
def _verify(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["oxkair", "audit", "verify"], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture()
def committed_entries(server: LocalServer) -> Iterator[Connection[Any]]:
    """Commit a few audited writes; a superuser connection that tampers and then restores."""
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        for _ in range(3):
            conn.execute("INSERT INTO public.institutions (name) VALUES (%s)", [f"Tamper {uuid.uuid4()}"])
        conn.execute("SET session_replication_role = replica")  # the superuser's way around the guards
        yield conn


def _last_entry(conn: Connection[Any]) -> dict[str, Any]:
    cur = conn.execute("SELECT * FROM audit.log WHERE table_name = 'public.institutions'"
                       " ORDER BY at DESC LIMIT 1")
    names = [d.name for d in cur.description or []]
    row = cur.fetchone()
    assert row
    return dict(zip(names, row, strict=True))


def _reinsert(conn: Connection[Any], entry: dict[str, Any]) -> None:
    cols = list(entry)
    conn.execute(f"INSERT INTO audit.log ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})",
                 [psycopg.types.json.Jsonb(v) if isinstance(v, dict | list) else v for v in entry.values()])


def test_verify_passes_on_an_intact_trail(committed_entries: Connection[Any],
                                          cli_env: dict[str, str]) -> None:
    result = _verify(cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact" in result.stdout


def test_altered_entry_is_found(committed_entries: Connection[Any], cli_env: dict[str, str]) -> None:
    conn = committed_entries
    entry = _last_entry(conn)
    key = [entry["lane"], entry["seq"], entry["at"]]
    conn.execute("UPDATE audit.log SET actor_user_id = gen_random_uuid()"
                 " WHERE lane = %s AND seq = %s AND at = %s", key)
    try:
        result = _verify(cli_env)
        assert result.returncode == 1
        assert "altered" in result.stdout and str(entry["seq"]) in result.stdout
    finally:
        conn.execute("UPDATE audit.log SET actor_user_id = %s WHERE lane = %s AND seq = %s AND at = %s",
                     [entry["actor_user_id"], *key])
    assert _verify(cli_env).returncode == 0


def test_deleted_entry_is_found(committed_entries: Connection[Any], cli_env: dict[str, str]) -> None:
    conn = committed_entries
    entry = _last_entry(conn)
    conn.execute("DELETE FROM audit.log WHERE lane = %s AND seq = %s AND at = %s",
                 [entry["lane"], entry["seq"], entry["at"]])
    try:
        result = _verify(cli_env)
        assert result.returncode == 1 and "missing" in result.stdout
    finally:
        _reinsert(conn, entry)
    assert _verify(cli_env).returncode == 0


def test_inserted_entry_is_found(committed_entries: Connection[Any], cli_env: dict[str, str]) -> None:
    conn = committed_entries
    forged = _last_entry(conn)
    forged["seq"] = forged["seq"] + 1000
    forged["action"] = "DELETE"
    _reinsert(conn, forged)
    try:
        result = _verify(cli_env)
        assert result.returncode == 1 and "BROKEN" in result.stdout
    finally:
        conn.execute("DELETE FROM audit.log WHERE lane = %s AND seq = %s", [forged["lane"], forged["seq"]])
    assert _verify(cli_env).returncode == 0


def test_export_writes_every_entry(committed_entries: Connection[Any], cli_env: dict[str, str],
                                   tmp_path: Any) -> None:
    out = tmp_path / "audit.jsonl"
    result = subprocess.run(["oxkair", "audit", "export", "--out", str(out)], capture_output=True,
                            text=True, env=cli_env, timeout=120)
    assert result.returncode == 0, result.stderr
    count = committed_entries.execute("SELECT count(*) FROM audit.log").fetchone()
    lines = out.read_text().splitlines()
    assert count and len(lines) == count[0] - 1  # all but the export's own entry, written after
    assert '"hash": "' in lines[-1]
    exported = committed_entries.execute("SELECT detail FROM audit.log WHERE action = 'AUDIT_EXPORT'"
                                         " ORDER BY at DESC LIMIT 1").fetchone()
    assert exported and exported[0]["entries"] == len(lines)


def test_concurrent_writers_keep_every_chain_intact(server: LocalServer) -> None:
    """12 connections (more than the 8 lanes, so lanes are shared) writing at once."""
    from concurrent.futures import ThreadPoolExecutor

    def writer(n: int) -> None:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            for i in range(25):
                conn.execute("INSERT INTO public.institutions (name) VALUES (%s)", [f"Concurrent {n}-{i}"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(writer, range(12)))
    with psycopg.connect(**server.superuser_conninfo()) as conn:
        assert conn.execute("SELECT * FROM audit.verify_chain()").fetchall() == []
        written = conn.execute("SELECT count(*) FROM audit.log WHERE table_name = 'public.institutions'"
                               " AND new_values->>'name' LIKE 'Concurrent %'").fetchone()
        assert written == (300,)


# ─────────────────────────────────────── the generated per-table triggers (0050) record the same
def _as_jsonb(conn: Connection[Any], table: str, row_id: Any) -> dict[str, Any]:
    row = conn.execute(f"SELECT to_jsonb(t) FROM {table} t WHERE id = %s", [row_id]).fetchone()
    assert row
    return dict(row[0])


def test_every_column_type_is_recorded_as_to_jsonb_gives_it(su: Connection[Any]) -> None:
    """Arrays, jsonb, varchar, timestamps: old and new values exactly as the row's own jsonb."""
    inst = make_institution(su)
    coder = make_user(su, "Medical Coder", inst)
    case = make_case(su, coder)
    before = _as_jsonb(su, "public.medical_notes", case)
    su.execute("UPDATE public.medical_notes SET billable_notes = ARRAY['99213', 'x\"y'],"
               " panel_data = '{\"a\": [1, 2.50, null]}', workflow_status = 'coded',"
               " date_of_service = '2026-01-02 03:04:05.678+01', mrn = NULL WHERE id = %s", [case])
    after = _as_jsonb(su, "public.medical_notes", case)
    action, _, _, old, new = _entries(su, "public.medical_notes", case)[-1]
    changed = {k for k in after if after[k] != before[k]}
    assert action == "UPDATE"
    assert changed >= {"billable_notes", "panel_data", "workflow_status", "date_of_service", "mrn"}
    assert old == {k: before[k] for k in changed} and new == {k: after[k] for k in changed}


def test_a_write_that_changes_nothing_records_nothing(su: Connection[Any]) -> None:
    inst = make_institution(su)
    count = len(_entries(su, "public.institutions", inst))
    su.execute("UPDATE public.institutions SET name = name WHERE id = %s", [inst])
    assert len(_entries(su, "public.institutions", inst)) == count


def test_deletes_record_the_whole_row_but_the_password_hash(su: Connection[Any]) -> None:
    row = su.execute("INSERT INTO auth.users (email, password_hash) VALUES ('d@example.org', 'secret-hash')"
                     " RETURNING id").fetchone()
    assert row
    whole = _as_jsonb(su, "auth.users", row[0])
    su.execute("DELETE FROM auth.users WHERE id = %s", [row[0]])
    action, _, _, old, new = _entries(su, "auth.users", row[0])[-1]
    assert (action, new) == ("DELETE", None)
    assert old == {k: v for k, v in whole.items() if k != "password_hash"}


def test_a_new_column_is_audited_after_the_upgrade_hook(su: Connection[Any]) -> None:
    """A migration adding a column: until the post-apply hook regenerates the trigger the column
    is not compared (`oxkair check` says so, tests/test_ops_check.py); after it, it is."""
    su.execute("SET LOCAL ROLE oxkair_owner")
    su.execute("ALTER TABLE public.institutions ADD COLUMN accreditation text")
    su.execute((MIGRATIONS_DIR / "post-apply-audit-triggers.sql").read_text())
    su.execute("RESET ROLE")
    inst = make_institution(su)
    su.execute("UPDATE public.institutions SET accreditation = 'JC' WHERE id = %s", [inst])
    action, _, _, old, new = _entries(su, "public.institutions", inst)[-1]
    assert (action, old, new) == ("UPDATE", {"accreditation": None}, {"accreditation": "JC"})
    covered = su.execute("SELECT columns FROM audit.row_change_trigger"
                         " WHERE table_name = 'public.institutions'").fetchone()
    assert covered and "accreditation" in covered[0]


def test_only_the_migrators_bulk_load_skips_row_entries(su: Connection[Any]) -> None:
    """The trigger's WHEN (0051): the setting alone is not enough, the role must be the migrator."""
    inst = make_institution(su)
    coder = make_user(su, "Medical Coder", inst)
    case = make_case(su, coder)
    su.execute("SET LOCAL oxkair.bulk_load = 'on'")
    with acting_as(su, coder):
        su.execute("UPDATE public.medical_notes SET progress_notes = 'still audited' WHERE id = %s", [case])
    action, actor, _, _, new = _entries(su, "public.medical_notes", case)[-1]
    assert (action, actor, new["progress_notes"]) == ("UPDATE", coder, "still audited")
    su.execute("SET LOCAL ROLE oxkair_migrator")
    row = su.execute("INSERT INTO public.institutions (name) VALUES (%s) RETURNING id",
                     [f"Migrated {uuid.uuid4()}"]).fetchone()
    su.execute("RESET ROLE")
    assert row and _entries(su, "public.institutions", row[0]) == []
