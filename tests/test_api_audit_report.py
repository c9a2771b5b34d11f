"""GET /audit/report through HTTP (issue 14): privacy officers see their own institution's
entries only, as problem details otherwise; a 404 on another institution's case is recorded as a
denied attempt; CSV as well as JSON; the page's link shows for reviewers only."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from oxkair.local import LocalServer
from tests.fixtures.cases import Member, Tenant, create_case, purge, sign_up


@pytest.fixture(scope="module")
def officers(case_client: TestClient, server: LocalServer,
             tenants: dict[str, Tenant]) -> Iterator[dict[str, Member]]:
    out = {}
    for key, tenant in tenants.items():
        officer = sign_up(case_client, server, tenant.id, tenant.domain, "Medical Coder",
                          first_name=f"Officer{key}")
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute("SELECT app.name_reviewer(%s, 'privacy_officer', %s)", [officer.email, tenant.id])
            # Working hours all day, every day: the out-of-hours flag has its own tests.
            conn.execute("SELECT app.set_institution_hours(%s, 'UTC', '00:00', '23:59:59.999999', false)",
                         [tenant.id])
        out[key] = officer
    yield out
    purge(server, [m.id for m in out.values()])
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        conn.execute("DELETE FROM app.institution_hours WHERE institution_id = ANY(%s::uuid[])",
                     [[t.id for t in tenants.values()]])


def test_an_officer_reports_a_patient_with_the_denied_attempt_of_another_institution(
        case_client: TestClient, tenants: dict[str, Tenant], officers: dict[str, Member]) -> None:
    coder_a, coder_b = tenants["A"].members["coder"], tenants["B"].members["coder"]
    mrn = f"MRN-API-{secrets.token_hex(4)}"
    case = create_case(case_client, coder_a, mrn=mrn)
    assert case_client.get(f"/cases/{case['id']}", headers=coder_a.auth).status_code == 200
    probe = case_client.get(f"/cases/{case['id']}", headers=coder_b.auth)
    assert probe.status_code == 404  # the same answer as for a case that does not exist

    r = case_client.get("/audit/report", params={"mrn": mrn}, headers=officers["A"].auth)
    assert r.status_code == 200, r.text
    body = r.json()
    kinds = [(e["what"]["kind"], e["who"]["email"], e["flags"]) for e in body["entries"]]
    assert kinds == [("create", coder_a.email, []), ("read", coder_a.email, []),
                     ("read", coder_a.email, []), ("denied", coder_b.email, ["denied"])]
    assert all(e["case"]["mrn"] == mrn and e["session_id"] and e["entry"]["intact"] for e in body["entries"])
    assert body["entries"][-1]["what"]["endpoint"] == "GET /cases/{case_id}"
    assert "statement" in body["chain"]

    csv = case_client.get("/audit/report", params={"mrn": mrn, "format": "csv"}, headers=officers["A"].auth)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("at,user_id,user_name") and len(csv.text.splitlines()) == 5
    assert csv.headers["x-oxkair-chain"]

    # B's officer sees nothing of A: not the case, not A's coder, not A's institution.
    other = case_client.get("/audit/report", params={"mrn": mrn}, headers=officers["B"].auth)
    assert other.status_code == 200 and other.json()["entries"] == []
    who = case_client.get("/audit/report", params={"user": coder_a.email}, headers=officers["B"].auth)
    assert who.status_code == 404 and who.headers["content-type"] == "application/problem+json"
    named = case_client.get("/audit/report", params={"mrn": mrn, "institution": tenants["A"].id},
                            headers=officers["B"].auth)
    assert named.status_code == 403 and named.json()["status"] == 403


def test_only_reviewers_may_run_reports(case_client: TestClient, tenants: dict[str, Tenant],
                                        officers: dict[str, Member]) -> None:
    coder = tenants["A"].members["coder"]
    refused = case_client.get("/audit/report", params={"mrn": "X"}, headers=coder.auth)
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert case_client.get("/audit/report", params={"mrn": "X"}).status_code == 401
    forged = officers["A"].token[:-4] + ("AAAA" if not officers["A"].token.endswith("AAAA") else "BBBB")
    assert case_client.get("/audit/report", params={"mrn": "X"},
                           headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    nothing = case_client.get("/audit/report", headers=officers["A"].auth)
    assert nothing.status_code == 422 and "name a patient" in nothing.json()["detail"]
    bad = case_client.get("/audit/report", params={"mrn": "X", "from": "yesterday"},
                          headers=officers["A"].auth)
    assert bad.status_code == 422


def test_the_profile_says_who_reviews(case_client: TestClient, tenants: dict[str, Tenant],
                                      officers: dict[str, Member]) -> None:
    def reviewer(m: Member) -> Any:
        r = case_client.get("/me/profile", headers=m.auth)
        assert r.status_code == 200
        return r.json()["is_audit_reviewer"]

    assert reviewer(officers["A"]) is True and reviewer(tenants["A"].members["coder"]) is False
