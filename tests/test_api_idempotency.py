"""Idempotency-Key on POST /cases (issue 12 probe finding: a retry after a 503 that came after the
commit made a duplicate case)."""

from __future__ import annotations

import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import Connection

from oxkair.local import LocalServer
from tests.fixtures.cases import Tenant
from tests.fixtures.data import make_institution, make_user
from tests.fixtures.db import acting_as


def _cases_with_mrn(server: LocalServer, mrn: str) -> int:
    with psycopg.connect(**server.superuser_conninfo()) as conn:
        row = conn.execute("SELECT count(*) FROM public.medical_notes WHERE mrn = %s", [mrn]).fetchone()
    assert row
    return int(row[0])


def test_a_retry_with_the_same_key_returns_the_first_case(case_client: TestClient, server: LocalServer,
                                                          tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder"]
    key, mrn = str(uuid.uuid4()), f"MRN-IDEM-{secrets.token_hex(3)}"
    headers = {**coder.auth, "Idempotency-Key": key}
    first = case_client.post("/cases", json={"mrn": mrn, "operative_notes": "n"}, headers=headers)
    again = case_client.post("/cases", json={"mrn": mrn, "operative_notes": "n"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["case_number"] == first.json()["case_number"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert _cases_with_mrn(server, mrn) == 1
    # The same key with another body is a client error, not a silent replay.
    other = case_client.post("/cases", json={"mrn": mrn + "-x"}, headers=headers)
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    # Without a key, every POST creates.
    case_client.post("/cases", json={"mrn": mrn}, headers=coder.auth)
    assert _cases_with_mrn(server, mrn) == 2


def test_keys_are_per_user(case_client: TestClient, server: LocalServer, tenants: dict[str, Tenant]) -> None:
    a, b = tenants["A"].members["coder"], tenants["B"].members["coder"]
    key, mrn = str(uuid.uuid4()), f"MRN-IDEM-{secrets.token_hex(3)}"
    mine = case_client.post("/cases", json={"mrn": mrn}, headers={**a.auth, "Idempotency-Key": key})
    theirs = case_client.post("/cases", json={"mrn": mrn}, headers={**b.auth, "Idempotency-Key": key})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]  # B's retry-key never reaches A's case


def test_concurrent_twins_make_one_case(case_client: TestClient, server: LocalServer,
                                        tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder2"]
    key, mrn = str(uuid.uuid4()), f"MRN-IDEM-{secrets.token_hex(3)}"

    def post(_: int) -> Any:
        return case_client.post("/cases", json={"mrn": mrn}, headers={**coder.auth, "Idempotency-Key": key})

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(post, range(4)))
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    assert _cases_with_mrn(server, mrn) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "tab\there"])
def test_a_malformed_key_is_refused(case_client: TestClient, tenants: dict[str, Tenant], key: str) -> None:
    r = case_client.post("/cases", json={"mrn": "M"},
                         headers={**tenants["A"].members["coder"].auth, "Idempotency-Key": key})
    assert r.status_code == 422


def test_stored_keys_are_out_of_reach_of_end_users(su: Connection[Any]) -> None:
    inst = make_institution(su)
    a, b = make_user(su, "Medical Coder", inst), make_user(su, "Medical Coder", inst)
    case = su.execute("INSERT INTO public.medical_notes (user_id, case_number) VALUES (%s, %s) RETURNING id",
                      [a, f"CASE-IDEM-{secrets.token_hex(3)}"]).fetchone()
    assert case
    su.execute("INSERT INTO app.idempotency_keys (user_id, key, endpoint, request_sha256, resource_id)"
               " VALUES (%s, 'k1', 'POST /cases', '\\x00', %s)", [a, case[0]])
    with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_as(su, b):
        su.execute("SELECT * FROM app.idempotency_keys")
    with acting_as(su, b):  # B claiming A's key gets a fresh claim of B's own, never A's case
        claimed = su.execute("SELECT app.claim_idempotency_key('k1', 'POST /cases', '\\x00')").fetchone()
        assert claimed == (None,)
    rows = su.execute("SELECT user_id, resource_id FROM app.idempotency_keys WHERE key = 'k1'").fetchall()
    assert sorted(rows, key=str) == sorted([(a, case[0]), (b, None)], key=str)


def test_keys_are_kept_a_day_then_pruned(su: Connection[Any]) -> None:
    inst = make_institution(su)
    user = make_user(su, "Medical Coder", inst)
    su.execute("INSERT INTO app.idempotency_keys (user_id, key, endpoint, request_sha256, created_at) VALUES"
               " (%s, 'old', 'POST /cases', '\\x00', now() - interval '49 hours'),"
               " (%s, 'recent', 'POST /cases', '\\x00', now() - interval '25 hours')", [user, user])
    su.execute("SELECT auth.prune()")
    kept = su.execute("SELECT key FROM app.idempotency_keys WHERE user_id = %s", [user]).fetchall()
    assert kept == [("recent",)]


def test_a_key_can_only_name_a_case_its_user_created(su: Connection[Any]) -> None:
    inst = make_institution(su)
    a, b = make_user(su, "Medical Coder", inst), make_user(su, "Medical Coder", inst)
    insert = "INSERT INTO public.medical_notes (user_id, case_number) VALUES (%s, %s) RETURNING id"
    cases = [su.execute(insert, [owner, f"CASE-IDEM-{secrets.token_hex(3)}"]).fetchone() for owner in (a, b)]
    assert cases[0] and cases[1]
    with acting_as(su, b):
        su.execute("SELECT app.claim_idempotency_key('k2', 'POST /cases', '\\x00')")
        su.execute("SELECT app.record_idempotency_result('k2', %s)", [cases[0][0]])  # A's case: ignored
    assert su.execute("SELECT resource_id FROM app.idempotency_keys WHERE user_id = %s AND key = 'k2'",
                      [b]).fetchone() == (None,)
    with acting_as(su, b):
        su.execute("SELECT app.record_idempotency_result('k2', %s)", [cases[1][0]])  # B's own: kept
    assert su.execute("SELECT resource_id FROM app.idempotency_keys WHERE user_id = %s AND key = 'k2'",
                      [b]).fetchone() == (cases[1][0],)
