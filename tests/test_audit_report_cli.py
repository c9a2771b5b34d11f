"""`oxkair audit report`, `oxkair audit auditors` and `oxkair institutions privacy-officers|hours`
as a subprocess against committed data (removed afterwards): formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from oxkair.local import LocalServer
from tests.fixtures.data import make_case, make_institution, make_user
from tests.fixtures.supabase import oxkair


@pytest.fixture()
def committed(server: LocalServer) -> Iterator[dict[str, Any]]:
    tag = secrets.token_hex(3)
    with psycopg.connect(**server.superuser_conninfo()) as conn:
        inst = make_institution(conn, f"CLI Report Clinic {tag}")
        coder = make_user(conn, "Medical Coder", inst, email=f"coder-{tag}@cli.example")
        officer = make_user(conn, "Medical Coder", inst, email=f"officer-{tag}@cli.example")
        case = make_case(conn, coder)
        mrn = conn.execute("SELECT mrn FROM public.medical_notes WHERE id = %s", [case]).fetchone()
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps({"sub": str(coder)})])
        conn.execute("SELECT audit.append('READ', 'public.medical_notes', NULL, NULL, NULL,"
                     " jsonb_build_object('endpoint', 'GET /cases/{case_id}',"
                     " 'row_ids', jsonb_build_array(%s::text)))", [case])
        conn.commit()
    assert mrn
    yield {"institution": str(inst), "name": f"CLI Report Clinic {tag}", "mrn": mrn[0],
           "coder": f"coder-{tag}@cli.example", "officer": f"officer-{tag}@cli.example"}
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("DELETE FROM public.medical_notes WHERE id = %s", [case])
        conn.execute("DELETE FROM app.designations WHERE user_id = ANY(%s)", [[coder, officer]])
        conn.execute("DELETE FROM app.institution_hours WHERE institution_id = %s", [inst])
        conn.execute("DELETE FROM public.user_settings WHERE id = ANY(%s)", [[coder, officer]])
        conn.execute("DELETE FROM public.profiles WHERE id = ANY(%s)", [[coder, officer]])
        conn.execute("DELETE FROM auth.users WHERE id = ANY(%s)", [[coder, officer]])
        # Replica mode skips the foreign keys' cascades too: the search rows go by hand, or a
        # later backup's restore would meet suffixes of a missing institution.
        conn.execute("DELETE FROM app.institution_suffixes WHERE institution_id = %s", [inst])
        conn.execute("DELETE FROM public.institutions WHERE id = %s", [inst])


def test_the_report_in_each_format(cli_env: dict[str, str], committed: dict[str, Any]) -> None:
    as_json = oxkair(cli_env, "audit", "report", "--mrn", committed["mrn"], "--format", "json", timeout=120)
    assert as_json.returncode == 0, as_json.stderr
    entries = json.loads(as_json.stdout)
    assert isinstance(entries, list) and [e["what"]["kind"] for e in entries] == ["create", "read"]
    assert entries[1]["who"]["email"] == committed["coder"] and entries[1]["case"]["mrn"] == committed["mrn"]
    assert "chain:" in as_json.stderr
    as_csv = oxkair(cli_env, "audit", "report", "--mrn", committed["mrn"], "--format", "csv",
                    "--from", "2020-01-01", "--to", "2099-12-31", timeout=120)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert as_csv.returncode == 0 and [r["what"] for r in rows] == ["create", "read"]
    table = oxkair(cli_env, "audit", "report", "--user", committed["coder"],
                   "--institution", committed["name"], "--verify", timeout=120)
    # The case was created by the setup (no end user): the coder's own activity is the read.
    assert table.returncode == 0 and "1 entry" in table.stdout
    assert "chain: the chain verified intact over this period" in table.stdout, table.stdout


def test_usage_problems_are_one_line_with_exit_2(cli_env: dict[str, str]) -> None:
    for args in (["--mrn", "X", "--format", "xml"], ["--mrn", "X", "--from", "last week"], []):
        result = oxkair(cli_env, "audit", "report", *args, timeout=60)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    unknown = oxkair(cli_env, "audit", "report", "--user", "nobody@nowhere.example", timeout=60)
    assert unknown.returncode == 1 and "no such user" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_naming_reviewers_and_working_hours(cli_env: dict[str, str], committed: dict[str, Any]) -> None:
    inst = committed["institution"]
    named = oxkair(cli_env, "institutions", "privacy-officers", "add", committed["officer"],
                   "--institution", inst, timeout=60)
    assert named.returncode == 0 and "privacy officer" in named.stdout, named.stderr
    listed = oxkair(cli_env, "institutions", "privacy-officers", "list", "--institution", inst, timeout=60)
    assert committed["officer"] in listed.stdout
    auditor = oxkair(cli_env, "audit", "auditors", "add", committed["coder"], timeout=60)
    assert auditor.returncode == 0
    assert committed["coder"] in oxkair(cli_env, "audit", "auditors", "list").stdout
    assert oxkair(cli_env, "audit", "auditors", "remove", committed["coder"], timeout=60).returncode == 0
    again = oxkair(cli_env, "audit", "auditors", "remove", committed["coder"], timeout=60)
    assert again.returncode == 1 and "is not a global auditor" in again.stderr
    hours = oxkair(cli_env, "institutions", "hours", "--institution", inst, "--time-zone", "Europe/Berlin",
                   "--starts", "08:00", "--ends", "18:30", timeout=60)
    assert hours.returncode == 0 and "08:00-18:30 Europe/Berlin" in hours.stdout, hours.stderr
    bad_zone = oxkair(cli_env, "institutions", "hours", "--institution", inst, "--time-zone", "Mars/Olympus")
    assert bad_zone.returncode == 1 and "not a time zone" in bad_zone.stderr
    bad_time = oxkair(cli_env, "institutions", "hours", "--institution", inst, "--starts", "25:00")
    assert bad_time.returncode == 2 and "Traceback" not in bad_time.stderr
