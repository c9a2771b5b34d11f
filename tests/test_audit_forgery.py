"""Audit entries cannot be forged (issue 12): tried with the API's own login and roles.

Before 0054, `audit.append(action, table, row, old, new, detail, db_role)` was executable by the
roles the API acts as: the API's login could write an AUTH_PASSWORD_RESET "by oxkair_owner" that
`oxkair audit verify` then called intact."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
import pytest
from psycopg import Connection

from tests.fixtures.data import make_case, make_institution, make_user
from tests.fixtures.db import acting_as, claims_for

FORGERIES = [
    "SELECT audit.append('AUTH_PASSWORD_RESET', 'auth.users', %(row)s, NULL, NULL, '{}'::jsonb)",
    "SELECT audit.append('AUTH_PASSWORD_RESET', 'auth.users', %(row)s, NULL, NULL, '{}'::jsonb,"
    " 'oxkair_owner')",
    "SELECT audit.log_access('public.medical_notes', ARRAY[%(row)s], '{}'::jsonb)",
    "SELECT auth.log_event('AUTH_PASSWORD_RESET', %(row)s::uuid, '{}'::jsonb)",
    "SELECT audit.log_migration('MIGRATION', 'public.medical_notes', '{}'::jsonb)",
    "SELECT app.log_break_glass_read('public.medical_notes', %(row)s::uuid)",
    "SELECT audit.install_row_change_trigger('public.user_settings')",
    "SELECT audit.tg_public_medical_notes__row_change()",
]


def _entries(login: Any) -> int:
    with login("oxkair_auditor") as conn:
        row = conn.execute("SELECT count(*) FROM audit.log").fetchone()
    assert row
    return int(row[0])


@pytest.mark.parametrize("role", ["oxkair_anon", "oxkair_authenticated"])
@pytest.mark.parametrize("statement", FORGERIES)
def test_the_api_login_cannot_write_an_entry_of_its_choosing(login: Any, role: str, statement: str) -> None:
    user = str(uuid.uuid4())
    before = _entries(login)
    with login("oxkair_api") as conn:
        conn.execute("SELECT set_config('role', %s, false)", [role])
        conn.execute("SELECT set_config('request.jwt.claims', %s, false)", [json.dumps(claims_for(user))])
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(statement, {"row": user})
    # Refused for want of privilege (or because the forger's target does not exist for them at all).
    assert caught.value.sqlstate in {"42501", "42883", "0A000"}, caught.value
    assert _entries(login) == before


def test_the_api_login_itself_holds_no_writer(login: Any) -> None:
    with login("oxkair_api") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT audit.append('X', NULL, NULL, NULL, NULL, NULL)")


def test_the_access_log_records_only_cases_the_reader_can_read(su: Connection[Any]) -> None:
    inst_a, inst_b = make_institution(su), make_institution(su)
    coder_a, coder_b = make_user(su, "Medical Coder", inst_a), make_user(su, "Medical Coder", inst_b)
    mine, theirs = make_case(su, coder_a), make_case(su, coder_b)
    with acting_as(su, coder_a):
        logged = su.execute("SELECT app.log_case_reads(%s::uuid[], 'GET /cases/{case_id}')",
                            [[theirs, mine, uuid.uuid4()]]).fetchone()
        nothing = su.execute("SELECT app.log_case_reads(%s::uuid[], 'GET /cases/{case_id}')",
                             [[theirs]]).fetchone()
    assert logged == (1,) and nothing == (0,)
    rows = su.execute("SELECT actor_user_id, detail FROM audit.log WHERE action = 'READ'"
                      " AND detail->'row_ids' ?| %s", [[str(mine), str(theirs)]]).fetchall()
    assert rows == [(coder_a, {"endpoint": "GET /cases/{case_id}", "count": 1, "row_ids": [str(mine)]})]


def test_an_unverified_reader_logs_nothing(su: Connection[Any]) -> None:
    inst = make_institution(su)
    coder = make_user(su, "Medical Coder", inst)
    case = make_case(su, coder)
    su.execute("UPDATE public.profiles SET verification_status = 'rejected' WHERE id = %s", [coder])
    with acting_as(su, coder):
        assert su.execute("SELECT app.log_case_reads(%s::uuid[], 'GET /cases')", [[case]]).fetchone() == (0,)


@pytest.mark.parametrize("endpoint", ["", "GET", "READ everything", "GET /cases; DROP", "x" * 300, None])
def test_the_access_log_endpoint_is_a_route_template(su: Connection[Any], endpoint: str | None) -> None:
    inst = make_institution(su)
    coder = make_user(su, "Medical Coder", inst)
    case = make_case(su, coder)
    with pytest.raises(psycopg.Error, match="endpoint must be"), acting_as(su, coder):
        su.execute("SELECT app.log_case_reads(%s::uuid[], %s)", [[case], endpoint])


def test_the_recorded_role_is_the_acting_one_not_the_functions_owner(su: Connection[Any]) -> None:
    """Auth events run inside definer functions: the entry names the role the API acted as."""
    with acting_as(su, None):
        for _ in range(3):
            su.execute("SELECT auth.rate_limit_hit('forgery-test:1', 1, 60)")
    row = su.execute("SELECT db_role, session_role FROM audit.log WHERE action = 'AUTH_RATE_LIMITED'"
                     " ORDER BY at DESC LIMIT 1").fetchone()
    assert row is not None and row[0] == "oxkair_anon"


def test_the_migrator_writes_only_migration_events(login: Any) -> None:
    with login("oxkair_migrator") as conn, \
            pytest.raises(psycopg.Error, match="not a migration event"):
        conn.execute("SELECT audit.log_migration('AUTH_PASSWORD_RESET', 'auth.users', '{}'::jsonb)")

