"""The worklist a coder works in: sort by each column with keyset pages, search by case number or
MRN, counts per status; and a case's history from the audit trail, for its readers only."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from oxkair.api.worklist import SORTS
from oxkair.local import LocalServer
from tests.fixtures.cases import Member, Tenant, create_case, send_to_provider
from tests.fixtures.db import acting_as, claims_for

WORKFLOW = ["INCOMPLETE", "PENDING_CODER_REVIEW", "PENDING_PROVIDER_REVIEW", "PENDING_BILLING"]


def _all_pages(client: TestClient, member: Member, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        r = client.get("/cases", params={"limit": 2, **params, **({"cursor": cursor} if cursor else {})},
                       headers=member.auth)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("the pages never end")


@pytest.fixture(scope="module")
def cases(case_client: TestClient, tenants: dict[str, Tenant]) -> list[dict[str, Any]]:
    """Seven cases of coder2 of A: MRNs, insurers and dates with gaps, in every status, two
    providers."""
    a = tenants["A"].members
    coder = a["coder2"]
    made = [
        create_case(case_client, coder, mrn="MRN-300", insurance_provider="Cigna",
                    date_of_service="2026-03-01T00:00:00Z"),
        create_case(case_client, coder, mrn="MRN-100", insurance_provider="Aetna"),
        create_case(case_client, coder, insurance_provider="Humana",
                    date_of_service="2026-01-15T00:00:00Z"),
        create_case(case_client, coder, mrn="MRN-200", date_of_service="2025-12-31T00:00:00Z"),
        create_case(case_client, coder, mrn="MRN-250", insurance_provider="Aetna",
                    date_of_service="2026-02-01T00:00:00Z"),
        create_case(case_client, coder, mrn="XYZ-777", insurance_provider="Medicare"),
        create_case(case_client, coder, mrn="MRN-150"),
    ]
    send_to_provider(case_client, coder, made[0]["id"], a["provider"])
    send_to_provider(case_client, coder, made[1]["id"], a["provider2"])
    send_to_provider(case_client, coder, made[2]["id"], a["provider"])
    r = case_client.post(f"/cases/{made[2]['id']}/transition", json={"to": "PENDING_BILLING"},
                         headers=a["provider"].auth)
    assert r.status_code == 200
    r = case_client.post(f"/cases/{made[3]['id']}/transition", json={"to": "PENDING_CODER_REVIEW"},
                         headers=coder.auth)
    assert r.status_code == 200
    return [case_client.get(f"/cases/{c['id']}", headers=coder.auth).json() for c in made]


def _key(sort: str, case: dict[str, Any], names: dict[str, str]) -> Any:
    if sort == "status":
        return WORKFLOW.index(case["status"])
    if sort == "provider":
        return names.get(case["provider_user_id"], "")
    value = case[sort]
    if sort in ("created_at", "updated_at", "date_of_service"):
        return value or "0000"  # ISO strings in UTC sort as times; none first
    return value or ""


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", SORTS)
def test_each_column_sorts_and_pages_through_every_case_once(
    case_client: TestClient, tenants: dict[str, Tenant], cases: list[dict[str, Any]], sort: str, order: str
) -> None:
    a = tenants["A"].members
    names = {a["provider"].id: "ProviderA Tester", a["provider2"].id: "Provider2A Tester"}
    listed = _all_pages(case_client, a["coder2"], sort=sort, order=order)
    assert sorted(c["id"] for c in listed) == sorted(c["id"] for c in cases)
    keys = [_key(sort, c, names) for c in listed]
    assert keys == sorted(keys, reverse=order == "desc"), keys
    assert set(listed[0]) == set(cases[0]) - {"operative_notes", "admission_notes", "discharge_notes",
                                              "pathology_notes", "progress_notes", "bedside_notes",
                                              "billable_notes", "ai_raw_output", "panel_data",
                                              "final_processed_data", "summary_data"}


def test_sorting_and_status_filter_go_together(
    case_client: TestClient, tenants: dict[str, Tenant], cases: list[dict[str, Any]]
) -> None:
    coder = tenants["A"].members["coder2"]
    listed = _all_pages(case_client, coder, sort="mrn", order="asc", status="PENDING_PROVIDER_REVIEW")
    assert [c["mrn"] for c in listed] == ["MRN-100", "MRN-300"]


def test_search_finds_a_part_of_the_case_number_or_the_mrn(
    case_client: TestClient, tenants: dict[str, Tenant], cases: list[dict[str, Any]]
) -> None:
    a, b = tenants["A"].members, tenants["B"].members
    found = _all_pages(case_client, a["coder2"], q="mrn-2")
    assert sorted(c["mrn"] for c in found) == ["MRN-200", "MRN-250"]
    number = cases[5]["case_number"]
    assert [c["id"] for c in _all_pages(case_client, a["coder2"], q=number[-7:])] == [cases[5]["id"]]
    assert [c["mrn"] for c in _all_pages(case_client, a["coder2"], q="xyz", sort="mrn")] == ["XYZ-777"]
    # Search happens inside one's own cases: another coder, the other institution find nothing.
    assert _all_pages(case_client, a["coder"], q="XYZ-777") == []
    assert _all_pages(case_client, b["coder"], q="XYZ-777") == []
    # The provider finds the cases sent to them, and only those.
    assert [c["mrn"] for c in _all_pages(case_client, a["provider2"], q="MRN")] == ["MRN-100"]


def test_counts_per_status_are_the_callers(
    case_client: TestClient, tenants: dict[str, Tenant], cases: list[dict[str, Any]]
) -> None:
    a = tenants["A"].members
    r = case_client.get("/cases/counts", headers=a["coder2"].auth)
    assert r.status_code == 200
    assert r.json() == {"counts": {"INCOMPLETE": 3, "PENDING_CODER_REVIEW": 1,
                                   "PENDING_PROVIDER_REVIEW": 2, "PENDING_BILLING": 1}, "total": 7}
    r = case_client.get("/cases/counts", params={"q": "MRN-2"}, headers=a["coder2"].auth)
    assert r.json()["total"] == 2
    r = case_client.get("/cases/counts", headers=a["provider2"].auth)
    assert r.json()["counts"]["PENDING_PROVIDER_REVIEW"] == 1 and r.json()["total"] == 1
    assert case_client.get("/cases/counts").status_code == 401


def test_a_cursor_belongs_to_its_order(
    case_client: TestClient, tenants: dict[str, Tenant], cases: list[dict[str, Any]]
) -> None:
    coder = tenants["A"].members["coder2"]
    first = case_client.get("/cases", params={"limit": 2, "sort": "mrn"}, headers=coder.auth).json()
    r = case_client.get("/cases", headers=coder.auth,
                        params={"limit": 2, "sort": "insurance_provider", "cursor": first["next_cursor"]})
    assert r.status_code == 422 and r.json()["detail"] == "the cursor is not valid; start from the first page"
    r = case_client.get("/cases", params={"sort": "nope"}, headers=coder.auth)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "sort"


def test_a_sorted_page_is_in_the_access_log(
    case_client: TestClient, tenants: dict[str, Tenant], cases: list[dict[str, Any]], server: LocalServer
) -> None:
    coder = tenants["A"].members["coder2"]
    page = case_client.get("/cases", params={"limit": 3, "sort": "date_of_service"},
                           headers=coder.auth).json()
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        row = conn.execute(
            "SELECT detail->'row_ids', actor_user_id::text FROM audit.log WHERE action = 'READ'"
            " AND detail->>'endpoint' = 'GET /cases' ORDER BY at DESC, seq DESC LIMIT 1").fetchone()
    assert row == ([c["id"] for c in page["items"]], coder.id)


# ── history
def test_history_says_who_did_what_and_when(
    case_client: TestClient, tenants: dict[str, Tenant]
) -> None:
    a = tenants["A"].members
    case = create_case(case_client, a["coder"], mrn="MRN-HIST")
    r = case_client.patch(f"/cases/{case['id']}", headers=a["coder"].auth,
                          json={"operative_notes": "Secret words of the note.", "billable_notes": ["99213"]})
    assert r.status_code == 200
    send_to_provider(case_client, a["coder"], case["id"], a["provider"])
    r = case_client.post(f"/cases/{case['id']}/transition", json={"to": "PENDING_BILLING"},
                         headers=a["provider"].auth)
    assert r.status_code == 200
    for reader in (a["coder"], a["provider"]):
        r = case_client.get(f"/cases/{case['id']}/history", headers=reader.auth)
        assert r.status_code == 200
        items = r.json()["items"]
        summary = [(i["action"], i["actor_name"], i["fields"], i["status_from"], i["status_to"],
                    i["provider_name"]) for i in items]
        assert summary == [
            ("moved", "ProviderA Tester", [], "PENDING_PROVIDER_REVIEW", "PENDING_BILLING", None),
            ("moved", "CoderA Tester", [], "PENDING_CODER_REVIEW", "PENDING_PROVIDER_REVIEW",
             "ProviderA Tester"),
            ("moved", "CoderA Tester", [], "INCOMPLETE", "PENDING_CODER_REVIEW", None),
            ("edited", "CoderA Tester", ["billable_notes", "operative_notes"], None, None, None),
            ("created", "CoderA Tester", [], None, "INCOMPLETE", None),
        ]
        assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
        assert "Secret words" not in r.text and "MRN-HIST" not in r.text and "99213" not in r.text
    # Not the history of a case one cannot read: another coder, the other institution, anyone unsigned.
    for outsider in (a["coder2"], a["provider2"], tenants["B"].members["coder"]):
        assert case_client.get(f"/cases/{case['id']}/history", headers=outsider.auth).status_code == 404
    assert case_client.get(f"/cases/{case['id']}/history").status_code == 401


def test_history_function_answers_only_for_cases_the_caller_reads(
    su: psycopg.Connection[Any], case_client: TestClient, tenants: dict[str, Tenant]
) -> None:
    a, b = tenants["A"].members, tenants["B"].members
    case = create_case(case_client, a["coder"], mrn="MRN-RLS")
    history = "SELECT count(*) FROM public.case_history(%s)"
    with acting_as(su, a["coder"].id):
        assert su.execute(history, [case["id"]]).fetchone() == (1,)
    for outsider in (a["coder2"], a["provider"], b["coder"], b["provider"]):
        with acting_as(su, outsider.id):
            assert su.execute(history, [case["id"]]).fetchone() == (0,), outsider.email
            # The definer's own view of cases is the caller's: nothing else is visible through it.
            assert su.execute("SELECT count(*) FROM public.medical_notes WHERE id = %s",
                              [case["id"]]).fetchone() == (0,)
    # The creator once no longer a verified member (issue 12) sees no history either.
    su.execute("UPDATE public.profiles SET verification_status = 'rejected' WHERE id = %s", [a["coder"].id])
    try:
        with acting_as(su, a["coder"].id):
            assert su.execute(history, [case["id"]]).fetchone() == (0,)
    finally:
        su.execute("UPDATE public.profiles SET verification_status = 'verified' WHERE id = %s",
                   [a["coder"].id])
    # Forged claims of a user who does not exist see nothing either.
    with acting_as(su, None, claims_for("00000000-0000-4000-8000-000000000001")):
        assert su.execute(history, [case["id"]]).fetchone() == (0,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_as(su, None):
        su.execute(history, [case["id"]])
    # The API roles still cannot read the audit trail themselves.
    with pytest.raises(psycopg.errors.InsufficientPrivilege), acting_as(su, a["coder"].id):
        su.execute("SELECT action FROM audit.log LIMIT 1")
