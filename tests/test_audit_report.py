"""The access report (issue 14): a scripted scenario's report equals what was done, entry for
entry; a privacy officer of one institution sees nothing of another; each review flag fires on
its scenario and not otherwise. Everything runs as the real roles in the test's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import Connection

from oxkair.audit.report import ReportQuery, chain_statement, run_report
from tests.fixtures.data import make_institution, make_user
from tests.fixtures.db import claims_for

READ_ONE = "GET /cases/{case_id}"


@contextmanager
def as_user(su: Connection[Any], user: UUID, session: str = "sess-1",
            addr: str = "203.0.113.7") -> Iterator[Connection[Any]]:
    """As the API acts: oxkair_authenticated, the verified claims (with the session), the address."""
    with su.transaction():
        su.execute("SET LOCAL ROLE oxkair_authenticated")
        su.execute("SELECT set_config('request.jwt.claims', %s, true),"
                   " set_config('request.client_addr', %s, true)",
                   [json.dumps({**claims_for(user), "session_id": session}), addr])
        yield su
        su.execute("RESET ROLE")
        su.execute("SELECT set_config('request.jwt.claims', '', true),"
                   " set_config('request.client_addr', '', true)")


@contextmanager
def as_auditor(su: Connection[Any]) -> Iterator[Connection[Any]]:
    """As `oxkair audit report` runs: oxkair_auditor, no end user."""
    with su.transaction():
        su.execute("SET LOCAL ROLE oxkair_auditor")
        yield su
        su.execute("RESET ROLE")


def designate(su: Connection[Any], user: UUID, designation: str, institution: UUID | None) -> None:
    email = su.execute("SELECT email FROM auth.users WHERE id = %s", [user]).fetchone()
    assert email
    su.execute("SELECT app.name_reviewer(%s, %s, %s)", [email[0], designation, institution])


def email_of(su: Connection[Any], user: UUID) -> str:
    row = su.execute("SELECT email FROM auth.users WHERE id = %s", [user]).fetchone()
    assert row
    return str(row[0])


def create_case(su: Connection[Any], coder: UUID, number: str, mrn: str, session: str = "sess-1") -> UUID:
    with as_user(su, coder, session):
        row = su.execute("INSERT INTO public.medical_notes (user_id, case_number, mrn, operative_notes)"
                         " VALUES (%s, %s, %s, 'note') RETURNING id", [coder, number, mrn]).fetchone()
    assert row
    return UUID(str(row[0]))


def read(su: Connection[Any], user: UUID, case: UUID, session: str = "sess-1") -> None:
    with as_user(su, user, session):
        su.execute("SELECT app.log_case_reads(%s::uuid[], %s)", [[str(case)], READ_ONE])


@pytest.fixture()
def world(su: Connection[Any]) -> dict[str, Any]:
    a, b = make_institution(su, "Report Clinic A"), make_institution(su, "Report Clinic B")
    w: dict[str, Any] = {"a": a, "b": b}
    w["coder_a"] = make_user(su, "Medical Coder", a, "Cora")
    w["coder_a2"] = make_user(su, "Medical Coder", a, "Colin")
    w["provider_a"] = make_user(su, "Provider", a, "Pia")
    w["provider_a2"] = make_user(su, "Provider", a, "Pat")
    w["coder_b"] = make_user(su, "Medical Coder", b, "Bea")
    w["officer_a"] = make_user(su, "Medical Coder", a, "Olga")
    w["officer_b"] = make_user(su, "Medical Coder", b, "Otto")
    w["auditor"] = make_user(su, None, None, "Gus")
    designate(su, w["officer_a"], "privacy_officer", a)
    designate(su, w["officer_b"], "privacy_officer", b)
    designate(su, w["auditor"], "global_auditor", None)
    # Working hours that hold all day, every day: only the out-of-hours test changes them.
    for inst in (a, b):
        su.execute("SELECT app.set_institution_hours(%s, 'UTC', '00:00', '23:59:59.999999', false)", [inst])
    return w


def scenario(su: Connection[Any], w: dict[str, Any]) -> tuple[UUID, UUID]:
    """What was done: the expected report of MRN-R1 at institution A is `EXPECTED_A`."""
    x = create_case(su, w["coder_a"], "CASE-R1", "MRN-R1")
    read(su, w["coder_a"], x)
    with as_user(su, w["coder_a"]):
        su.execute("UPDATE public.medical_notes SET operative_notes = 'edited' WHERE id = %s", [x])
        su.execute("UPDATE public.medical_notes SET status = 'PENDING_CODER_REVIEW' WHERE id = %s", [x])
        su.execute("UPDATE public.medical_notes SET status = 'PENDING_PROVIDER_REVIEW', provider_user_id = %s"
                   " WHERE id = %s", [w["provider_a"], x])
    read(su, w["provider_a"], x, session="sess-2")
    with as_user(su, w["coder_b"], session="sess-3", addr="198.51.100.9"):  # B probes A's case: a 404
        su.execute("SELECT app.log_case_denied(%s, %s)", [x, READ_ONE])
    y = create_case(su, w["coder_b"], "CASE-R2", "MRN-R1", session="sess-3")  # same MRN at B
    read(su, w["coder_b"], y, session="sess-3")
    return x, y


def _summary(entries: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e["what"], e["user_email"], e["case_number"], e["fields"], e["status_from"], e["status_to"],
             e["session_id"], e["client_addr"]) for e in entries]


def test_a_patients_report_is_what_was_done_entry_for_entry(su: Connection[Any],
                                                            world: dict[str, Any]) -> None:
    scenario(su, world)
    ca, pa, cb = (email_of(su, world[k]) for k in ("coder_a", "provider_a", "coder_b"))
    with as_user(su, world["officer_a"]):
        report = run_report(su, ReportQuery(mrn="MRN-R1"))
    assert _summary(report.entries) == [
        ("create", ca, "CASE-R1", None, None, None, "sess-1", "203.0.113.7"),
        ("read", ca, "CASE-R1", None, None, None, "sess-1", "203.0.113.7"),
        ("change", ca, "CASE-R1", ["operative_notes"], None, None, "sess-1", "203.0.113.7"),
        ("transition", ca, "CASE-R1", ["status"], "INCOMPLETE", "PENDING_CODER_REVIEW", "sess-1",
         "203.0.113.7"),
        ("transition", ca, "CASE-R1", ["provider_user_id", "status"], "PENDING_CODER_REVIEW",
         "PENDING_PROVIDER_REVIEW", "sess-1", "203.0.113.7"),
        ("read", pa, "CASE-R1", None, None, None, "sess-2", "203.0.113.7"),
        ("denied", cb, "CASE-R1", None, None, None, "sess-3", "198.51.100.9"),
    ]
    first = report.entries[0]
    assert (first["user_name"], first["user_category"], first["user_institution"], first["mrn"]) == \
        ("Cora " + first["user_name"].split(" ", 1)[1], "Medical Coder", "Report Clinic A", "MRN-R1")
    assert all(e["intact"] for e in report.entries)
    assert [e["endpoint"] for e in report.entries if e["what"] == "read"] == [READ_ONE, READ_ONE]
    # A global auditor (the CLI's role) sees the same MRN at both institutions.
    with as_auditor(su):
        everywhere = run_report(su, ReportQuery(mrn="MRN-R1"))
    assert [e["case_number"] for e in everywhere.entries].count("CASE-R2") == 2
    assert _summary(everywhere.entries)[:7] == _summary(report.entries)
    # A designated global auditor through the API's role too; --institution narrows it.
    with as_user(su, world["auditor"]):
        only_b = run_report(su, ReportQuery(mrn="MRN-R1", institution=world["b"]))
    assert {e["case_number"] for e in only_b.entries} == {"CASE-R2"}


def test_a_users_report_and_a_cases_report(su: Connection[Any], world: dict[str, Any]) -> None:
    scenario(su, world)
    provider = email_of(su, world["provider_a"])
    with as_user(su, world["officer_a"]):
        mine = run_report(su, ReportQuery(user_email=provider))
        case = run_report(su, ReportQuery(case_number="CASE-R1"))
    assert [(e["what"], e["case_number"]) for e in mine.entries] == [("read", "CASE-R1")]
    assert len(case.entries) == 7


def test_every_report_run_is_audited(su: Connection[Any], world: dict[str, Any]) -> None:
    scenario(su, world)
    with as_user(su, world["officer_a"], session="sess-po"):
        run_report(su, ReportQuery(mrn="MRN-R1"))
    row = su.execute("SELECT actor_user_id, detail FROM audit.log WHERE action = 'AUDIT_REPORT'"
                     " ORDER BY at DESC LIMIT 1").fetchone()
    assert row and row[0] == world["officer_a"]
    assert row[1]["mrn"] == "MRN-R1" and row[1]["entries"] == 7 and row[1]["reviewer"] == "privacy_officer"
    assert row[1]["session_id"] == "sess-po"
    # ... and appears, flagged as an export, in the officer's own activity (seen by an auditor).
    officer_email = email_of(su, world["officer_a"])
    with as_auditor(su):
        officer = run_report(su, ReportQuery(user_email=officer_email))
    assert [(e["what"], e["flags"]) for e in officer.entries] == [("export", ["export"])]


# ─────────────────────────────────────────────────────────────── who may see what (as the attacker)
def test_a_privacy_officer_sees_nothing_of_another_institution(su: Connection[Any],
                                                               world: dict[str, Any]) -> None:
    scenario(su, world)
    coder_a = email_of(su, world["coder_a"])
    with as_user(su, world["officer_b"]):
        b_view = run_report(su, ReportQuery(mrn="MRN-R1"))
        assert {e["case_number"] for e in b_view.entries} == {"CASE-R2"}
        assert run_report(su, ReportQuery(case_number="CASE-R1")).entries == []
        # A's coder is not B's to review, even by email.
        with pytest.raises(psycopg.Error) as refused, su.transaction():
            run_report(su, ReportQuery(user_email=coder_a))
        assert refused.value.sqlstate == "OX404"
        # Naming A's institution is refused outright.
        with pytest.raises(psycopg.Error) as other, su.transaction():
            run_report(su, ReportQuery(mrn="MRN-R1", institution=world["a"]))
        assert other.value.sqlstate == "OX403"
        # The period report of all B's case entries holds none of A's.
        period = run_report(su, ReportQuery(start=datetime.now(UTC) - timedelta(hours=1)))
        assert period.entries and {e["case_institution"] for e in period.entries} == {"Report Clinic B"}


@pytest.mark.parametrize("who", ["coder_a", "provider_a"])
def test_members_who_are_not_reviewers_are_refused(su: Connection[Any], world: dict[str, Any],
                                                   who: str) -> None:
    scenario(su, world)
    with as_user(su, world[who]), pytest.raises(psycopg.Error) as refused, su.transaction():
        run_report(su, ReportQuery(mrn="MRN-R1"))
    assert refused.value.sqlstate == "OX403"


def test_an_officer_no_longer_verified_is_refused(su: Connection[Any], world: dict[str, Any]) -> None:
    su.execute("UPDATE public.profiles SET verification_status = 'rejected' WHERE id = %s",
               [world["officer_a"]])
    with as_user(su, world["officer_a"]), pytest.raises(psycopg.Error) as refused, su.transaction():
        run_report(su, ReportQuery(mrn="MRN-R1"))
    assert refused.value.sqlstate == "OX403"


def test_the_api_roles_cannot_reach_the_inner_function_or_forge_the_scope(su: Connection[Any],
                                                                        world: dict[str, Any]) -> None:
    scenario(su, world)
    with as_user(su, world["officer_b"]):
        for statement in ("SELECT * FROM app.audit_report_entries('MRN-R1', NULL, NULL, NULL,"
                          " '-infinity', 'infinity')",
                          "SELECT * FROM audit.log LIMIT 1"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), su.transaction():
                su.execute(statement)
    # Claims naming another user cannot come from a token this test did not sign; a claim of a
    # designation is not a designation: the function reads app.designations.
    with as_user(su, world["coder_b"]), pytest.raises(psycopg.Error) as refused, su.transaction():
        su.execute("SELECT set_config('request.jwt.claims', %s, true)",
                   [json.dumps({**claims_for(world["coder_b"]), "designation": "global_auditor"})])
        run_report(su, ReportQuery(mrn="MRN-R1"))
    assert refused.value.sqlstate == "OX403"


def test_a_report_of_nothing_is_refused(su: Connection[Any], world: dict[str, Any]) -> None:
    now = datetime.now(UTC)
    with as_user(su, world["officer_a"]):
        for query in (ReportQuery(), ReportQuery(mrn="X", start=now, end=now)):
            with pytest.raises(psycopg.Error) as refused, su.transaction():
                run_report(su, query)
            assert refused.value.sqlstate == "OX422"


# ─────────────────────────────────────────────────────────────── review flags
def _flags(entries: list[dict[str, Any]], case: str | None = None) -> list[tuple[str, list[str]]]:
    return [(e["what"], e["flags"]) for e in entries if case is None or e["case_number"] == case]


def test_ordinary_work_raises_no_flag(su: Connection[Any], world: dict[str, Any]) -> None:
    scenario(su, world)
    with as_user(su, world["officer_a"]):
        report = run_report(su, ReportQuery(mrn="MRN-R1"))
    assert all(e["flags"] == [] for e in report.entries if e["what"] != "denied")
    assert [e["flags"] for e in report.entries if e["what"] == "denied"] == [["denied"]]


def test_a_read_outside_the_readers_assignment_is_flagged(su: Connection[Any], world: dict[str, Any]) -> None:
    x, _ = scenario(su, world)
    # The provider is replaced (sent back, then to another provider): their earlier read stays
    # unflagged, since they were assigned then.
    with as_user(su, world["provider_a"]):
        su.execute("UPDATE public.medical_notes SET status = 'PENDING_CODER_REVIEW' WHERE id = %s", [x])
    with as_user(su, world["coder_a"]):
        su.execute("UPDATE public.medical_notes SET status = 'PENDING_PROVIDER_REVIEW', provider_user_id = %s"
                   " WHERE id = %s", [world["provider_a2"], x])
    read(su, world["provider_a2"], x)
    # A read the access log holds of a colleague never assigned (written as a path around the
    # read policy would: the writer itself, as the superuser).
    su.execute("SELECT set_config('request.jwt.claims', %s, true)",
               [json.dumps(claims_for(world["coder_a2"]))])
    su.execute("SELECT audit.append('READ', 'public.medical_notes', NULL, NULL, NULL,"
               " jsonb_build_object('endpoint', 'GET /cases', 'row_ids', jsonb_build_array(%s::text)))", [x])
    su.execute("SELECT set_config('request.jwt.claims', '', true)")
    with as_user(su, world["officer_a"]):
        report = run_report(su, ReportQuery(case_number="CASE-R1"))
    reads = [(e["user_email"], e["flags"]) for e in report.entries if e["what"] == "read"]
    assert reads == [(email_of(su, world["coder_a"]), []), (email_of(su, world["provider_a"]), []),
                     (email_of(su, world["provider_a2"]), []),
                     (email_of(su, world["coder_a2"]), ["outside-assignment"])]


def test_reads_out_of_hours_are_flagged_in_the_institutions_time_zone(su: Connection[Any],
                                                                      world: dict[str, Any]) -> None:
    x, _ = scenario(su, world)
    # Hours that exclude now, in a zone 10 hours off UTC: now is out of hours there.
    tz = "Pacific/Honolulu"
    local = su.execute("SELECT (now() AT TIME ZONE %s)::time", [tz]).fetchone()
    assert local
    hour = local[0].hour
    starts, ends = ("13:00", "23:00") if hour < 12 else ("01:00", "11:00")
    su.execute("SELECT app.set_institution_hours(%s, %s, %s, %s, false)", [world["a"], tz, starts, ends])
    read(su, world["coder_a"], x)
    with as_user(su, world["officer_a"]):
        report = run_report(su, ReportQuery(case_number="CASE-R1"))
    assert {tuple(e["flags"]) for e in report.entries if e["what"] == "read"} == {("out-of-hours",)}
    assert all("out-of-hours" not in e["flags"] for e in report.entries if e["what"] != "read")
    # Weekends: with the whole day as working hours, only the weekend rule can fire.
    su.execute("SELECT app.set_institution_hours(%s, %s, '00:00', '23:59:59.999999', true)", [world["a"], tz])
    weekend = su.execute("SELECT extract(isodow FROM now() AT TIME ZONE %s) >= 6", [tz]).fetchone()
    with as_user(su, world["officer_a"]):
        again = run_report(su, ReportQuery(case_number="CASE-R1"))
    flagged = {("out-of-hours" in e["flags"]) for e in again.entries if e["what"] == "read"}
    assert flagged == {bool(weekend and weekend[0])}


def _history(su: Connection[Any], user: UUID, per_day: int, days: int = 28) -> None:
    """Past READ entries of `user` (written straight into the log, as a bench would)."""
    su.execute("""
        INSERT INTO audit.log (lane, seq, at, txid, actor_user_id, db_role, session_role, action, table_name,
                               detail, prev_hash, hash)
        SELECT 7, 1000000000000 + (extract(epoch FROM clock_timestamp()) * 1000)::bigint * 100 + d,
               date_trunc('day', now()) - d * interval '1 day' + interval '12 hours', pg_current_xact_id(),
               %(user)s, 'oxkair_authenticated', 'oxkair_api', 'READ', 'public.medical_notes',
               jsonb_build_object('row_ids', (SELECT jsonb_agg(gen_random_uuid()::text)
                                                FROM generate_series(1, %(n)s) WHERE d > 0)),
               '\\x00', '\\x00'
          FROM generate_series(1, %(days)s) AS d""", {"user": user, "n": per_day, "days": days})


def _read_many(su: Connection[Any], user: UUID, case: UUID, others: int) -> None:
    """One response of `others` + 1 cases (the others not real: only the count matters)."""
    su.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims_for(user))])
    su.execute("SELECT audit.append('READ', 'public.medical_notes', NULL, NULL, NULL,"
               " jsonb_build_object('endpoint', 'GET /cases', 'row_ids', jsonb_build_array(%s::text)"
               " || (SELECT coalesce(jsonb_agg(gen_random_uuid()::text), '[]')"
               "       FROM generate_series(1, %s))))",
               [case, others])
    su.execute("SELECT set_config('request.jwt.claims', '', true)")


def test_a_volume_far_above_the_users_norm_is_flagged(su: Connection[Any], world: dict[str, Any]) -> None:
    x, _ = scenario(su, world)
    heavy, steady, newcomer = world["coder_a"], world["provider_a"], world["coder_a2"]
    _history(su, heavy, per_day=10)
    _history(su, steady, per_day=10)
    _read_many(su, heavy, x, others=199)      # 200 today against 10 a day
    _read_many(su, steady, x, others=14)      # 15 today against 10 a day
    _read_many(su, newcomer, x, others=39)    # 40 on a first day: under the floor of 50
    with as_user(su, world["officer_a"]):
        report = run_report(su, ReportQuery(case_number="CASE-R1"))
    by_user = {}
    for e in report.entries:
        if e["what"] == "read":
            by_user.setdefault(e["user_email"], set()).update(e["flags"])
    assert "volume" in by_user[email_of(su, heavy)]
    assert "volume" not in by_user[email_of(su, steady)]
    assert "volume" not in by_user[email_of(su, newcomer)]


def test_break_glass_and_exports_are_flagged(su: Connection[Any], world: dict[str, Any]) -> None:
    x, _ = scenario(su, world)
    with su.transaction():
        su.execute("SET LOCAL ROLE oxkair_break_glass")
        su.execute("SELECT set_config('oxkair.break_glass_reason', 'patient coding emergency', true)")
        assert su.execute("SELECT id FROM public.medical_notes WHERE id = %s", [x]).fetchone()
        su.execute("RESET ROLE")
    with as_user(su, world["officer_a"]):
        report = run_report(su, ReportQuery(case_number="CASE-R1"))
    glass = [e for e in report.entries if e["what"] == "break-glass"]
    assert glass
    assert all(e["flags"] == ["break-glass"] and e["db_role"] == "oxkair_break_glass" for e in glass)
    with as_auditor(su):
        su.execute("SELECT audit.log_export(NULL, 42)")
        exports = run_report(su, ReportQuery(start=datetime.now(UTC) - timedelta(hours=1)))
    # The period's report of case entries holds no export (it is nobody's case): a user's does.
    assert all(e["what"] != "export" for e in exports.entries)
    officer_email = email_of(su, world["officer_a"])
    with as_auditor(su):
        officer = run_report(su, ReportQuery(user_email=officer_email))
    assert _flags(officer.entries) == [("export", ["export"])]


# ─────────────────────────────────────────────────────────────── does the chain verify over the period
def test_the_report_states_whether_the_chain_verified_over_its_period(su: Connection[Any],
                                                                      world: dict[str, Any]) -> None:
    scenario(su, world)
    with as_auditor(su):
        before = run_report(su, ReportQuery(mrn="MRN-R1"))
    with su.transaction():
        su.execute("SET LOCAL ROLE oxkair_auditor")
        problems = su.execute("SELECT count(*) FROM audit.verify_and_record()").fetchone()
        su.execute("RESET ROLE")
    with as_auditor(su):
        after = run_report(su, ReportQuery(mrn="MRN-R1"))
    ok = problems is not None and problems[0] == 0
    if before.chain.verified_at is None or before.chain.verified_at < before.entries[-1]["at"]:
        assert before.chain.verified is not True
    assert after.chain.verified is ok
    # An entry edited under the report (as the superuser, guards off) is caught by its own hash.
    su.execute("ALTER TABLE audit.log DISABLE TRIGGER USER")
    su.execute("UPDATE audit.log SET detail = detail || '{\"endpoint\": \"GET /elsewhere\"}'"
               " WHERE action = 'READ' AND detail -> 'row_ids' ? %s", [str(before.entries[1]["case_id"])])
    with as_auditor(su):
        edited = run_report(su, ReportQuery(mrn="MRN-R1"))
    assert edited.chain.verified is False and edited.chain.entries_altered >= 1


def test_chain_statement_rules() -> None:
    now = datetime.now(UTC)
    entry = {"at": now - timedelta(hours=1), "intact": True}
    assert chain_statement([entry], None, None).verified is None
    assert chain_statement([entry], None, {"verified_at": now, "problems": 0, "entries": 9}).verified is True
    assert chain_statement([entry], now + timedelta(days=1),
                           {"verified_at": now, "problems": 0, "entries": 9}).verified is None
    assert chain_statement([entry], None, {"verified_at": now, "problems": 2, "entries": 9}).verified is False


def test_the_apis_login_cannot_become_the_auditor(login: Any) -> None:
    conn = login("oxkair_api")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SET ROLE oxkair_auditor")
    conn.rollback()
    conn.execute("SET ROLE oxkair_authenticated")
    with pytest.raises(psycopg.Error) as refused:  # no claims, no designation: refused
        conn.execute("SELECT * FROM app.audit_report('MRN-R1', NULL, NULL, NULL, NULL, NULL)")
    assert refused.value.sqlstate == "OX403"
