"""Cases through HTTP: create, worklist pages, edit, the status flow, errors, the PHI access log."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi.testclient import TestClient

from oxkair.api.models import CaseList
from oxkair.local import LocalServer
from tests.fixtures.cases import Tenant, create_case, send_to_provider


def _access_entries(server: LocalServer, case_id: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        return conn.execute(
            "SELECT actor_user_id::text, host(client_addr), detail->>'endpoint' FROM audit.log"
            " WHERE action = 'READ' AND table_name = 'public.medical_notes' AND detail->'row_ids' ? %s"
            " ORDER BY at",
            [case_id],
        ).fetchall()


def test_full_workflow_to_billing(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    a = tenants["A"].members
    case = create_case(case_client, a["coder"], mrn="MRN-1", billable_notes=["99213"],
                       panel_data={"codes": [1, 2]}, date_of_service="2026-01-02T03:04:05Z")
    assert case["status"] == "INCOMPLETE" and case["case_number"].startswith("CASE-")
    assert case["institution_id"] == tenants["A"].id and case["user_id"] == a["coder"].id
    assert case["panel_data"] == {"codes": [1, 2]} and case["billable_notes"] == ["99213"]
    # The provider does not see it yet.
    assert case_client.get(f"/cases/{case['id']}", headers=a["provider"].auth).status_code == 404
    sent = send_to_provider(case_client, a["coder"], case["id"], a["provider"])
    assert sent["status"] == "PENDING_PROVIDER_REVIEW" and sent["provider_user_id"] == a["provider"].id
    # Now the coder cannot edit; the provider can, and approves.
    r = case_client.patch(f"/cases/{case['id']}", json={"operative_notes": "x"}, headers=a["coder"].auth)
    assert r.status_code == 409
    r = case_client.patch(f"/cases/{case['id']}", json={"final_processed_data": {"ok": True}},
                          headers=a["provider"].auth)
    assert r.status_code == 200 and r.json()["final_processed_data"] == {"ok": True}
    listed = case_client.get("/cases", params={"status": "PENDING_PROVIDER_REVIEW"},
                             headers=a["provider"].auth)
    assert case["id"] in [c["id"] for c in listed.json()["items"]]
    r = case_client.post(f"/cases/{case['id']}/transition", json={"to": "PENDING_BILLING"},
                         headers=a["provider"].auth)
    assert r.status_code == 200 and r.json()["status"] == "PENDING_BILLING"
    # Billing is the end: nobody moves it on.
    r = case_client.post(f"/cases/{case['id']}/transition", json={"to": "PENDING_CODER_REVIEW"},
                         headers=a["provider"].auth)
    assert r.status_code == 409


def test_provider_returns_case_to_coder(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    a = tenants["A"].members
    case = create_case(case_client, a["coder"])
    send_to_provider(case_client, a["coder"], case["id"], a["provider"])
    r = case_client.post(f"/cases/{case['id']}/transition", json={"to": "PENDING_CODER_REVIEW"},
                         headers=a["provider"].auth)
    assert r.status_code == 200 and r.json()["status"] == "PENDING_CODER_REVIEW"
    r = case_client.patch(f"/cases/{case['id']}", json={"operative_notes": "fixed"}, headers=a["coder"].auth)
    assert r.status_code == 200 and r.json()["operative_notes"] == "fixed"


def test_transition_rules_are_clear_errors(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    a = tenants["A"].members
    case = create_case(case_client, a["coder"])
    url = f"/cases/{case['id']}/transition"
    r = case_client.post(url, json={"to": "PENDING_BILLING"}, headers=a["coder"].auth)
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    case_client.post(url, json={"to": "PENDING_CODER_REVIEW"}, headers=a["coder"].auth)
    r = case_client.post(url, json={"to": "PENDING_PROVIDER_REVIEW"}, headers=a["coder"].auth)
    assert r.status_code == 422 and "provider_user_id" in r.json()["detail"]
    # A coder is not a provider; a provider of B is not of A's institution.
    nobody = "00000000-0000-4000-8000-000000000000"
    for wrong in (a["coder2"].id, tenants["B"].members["provider"].id, nobody):
        r = case_client.post(url, json={"to": "PENDING_PROVIDER_REVIEW", "provider_user_id": wrong},
                             headers=a["coder"].auth)
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == "the provider is not a verified Provider of your institution"
    r = case_client.post(url, json={"to": "INCOMPLETE", "provider_user_id": a["provider"].id},
                         headers=a["coder"].auth)
    assert r.status_code == 422
    r = case_client.post(url, json={"to": "PENDING_CODER_REVIEW"}, headers=a["coder"].auth)
    assert r.status_code == 409  # already there


def test_providers_cannot_create_cases(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    r = case_client.post("/cases", json={"mrn": "x"}, headers=tenants["A"].members["provider"].auth)
    assert r.status_code == 403
    assert r.json()["detail"] == "your account cannot do this to a case"


def test_case_number_given_generated_unique(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder"]
    first, second = create_case(case_client, coder), create_case(case_client, coder)
    assert first["case_number"] != second["case_number"]
    number = f"MY-{first['id'][:8]}"
    assert create_case(case_client, coder, case_number=number)["case_number"] == number
    r = case_client.post("/cases", json={"case_number": number}, headers=coder.auth)
    assert r.status_code == 409


def test_worklist_keyset_pagination(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder2"]
    made = [create_case(case_client, coder, workflow_status="paging")["id"] for _ in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, "workflow_status": "paging"}
        if cursor:
            params["cursor"] = cursor
        r = case_client.get("/cases", params=params, headers=coder.auth)
        assert r.status_code == 200, r.text
        # The route serialises the rows itself: the answer is exactly what CaseList would write.
        page = CaseList.model_validate_json(r.content)
        assert r.content == page.model_dump_json().encode() and len(page.items) <= 3
        seen += [c["id"] for c in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))  # newest first, each exactly once
    r = case_client.get("/cases", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=coder.auth)
    assert r.status_code == 422
    r = case_client.get("/cases", params={"status": "DONE"}, headers=coder.auth)
    assert r.status_code == 422


def test_json_fields_are_bounded_objects(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder"]
    for bad in ("a string", 5, {"x": "y" * 300_000}, {"k": "\u0000"}):
        r = case_client.post("/cases", json={"summary_data": bad}, headers=coder.auth)
        assert r.status_code == 422, bad
    deep: Any = []
    for _ in range(40):
        deep = [deep]
    assert case_client.post("/cases", json={"ai_raw_output": deep}, headers=coder.auth).status_code == 422
    r = case_client.post("/cases", json={"mrn": "a\u0000b"}, headers=coder.auth)
    assert r.status_code == 422
    r = case_client.post("/cases", json={"user_id": coder.id}, headers=coder.auth)
    assert r.status_code == 422  # not a field a client sets


def test_bad_input_is_never_500(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    auth = tenants["A"].members["coder"].auth
    for method, url, body in (
        ("GET", "/cases/not-a-uuid", None),
        ("PATCH", "/cases/00000000-0000-4000-8000-000000000000", {"mrn": "x"}),
        ("POST", "/cases", {"date_of_service": "yesterday"}),
        ("POST", "/cases", {"billable_notes": "not-a-list"}),
        ("POST", "/cases/00000000-0000-4000-8000-000000000000/transition", {"to": "PENDING_BILLING"}),
        ("GET", "/cases?limit=0", None),
        ("GET", "/cases?limit=1000", None),
    ):
        r = case_client.request(method, url, json=body, headers=auth)
        assert 400 <= r.status_code < 500, (url, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert case_client.get("/cases").status_code == 401


def test_every_phi_read_is_in_the_access_log(
    case_client: TestClient, tenants: dict[str, Tenant], server: LocalServer
) -> None:
    coder = tenants["A"].members["coder"]
    case = create_case(case_client, coder, mrn="LOGGED")
    case_client.get(f"/cases/{case['id']}", headers=coder.auth)
    case_client.get("/cases", params={"limit": 100}, headers=coder.auth)
    entries = _access_entries(server, case["id"])
    endpoints = [e[2] for e in entries]
    assert endpoints == ["POST /cases", "GET /cases/{case_id}", "GET /cases"]
    assert all(e[0] == coder.id for e in entries)
    assert all(e[1] for e in entries)  # the client address
    # A refused read logs nothing of the case.
    other = tenants["B"].members["coder"]
    assert case_client.get(f"/cases/{case['id']}", headers=other.auth).status_code == 404
    assert len(_access_entries(server, case["id"])) == 3


def test_worklist_logs_exactly_the_page_it_shows(
    case_client: TestClient, tenants: dict[str, Tenant], server: LocalServer
) -> None:
    """The worklist's access-log entry is written by its own statement (one round trip): the ids
    of the page in order, not the extra row that tells there is more; an empty page logs nothing."""
    coder = tenants["B"].members["coder2"]
    made = [create_case(case_client, coder, workflow_status="logged-page")["id"] for _ in range(3)]
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        start = conn.execute("SELECT max(at) FROM audit.log").fetchone()
        page = case_client.get("/cases", params={"limit": 2, "workflow_status": "logged-page"},
                               headers=coder.auth).json()
        empty = case_client.get("/cases", params={"workflow_status": "nothing-here"}, headers=coder.auth)
        assert empty.status_code == 200 and empty.json() == {"items": [], "next_cursor": None}
        rows = conn.execute(
            "SELECT actor_user_id::text, detail FROM audit.log WHERE action = 'READ'"
            " AND detail->>'endpoint' = 'GET /cases' AND at > %s ORDER BY at",
            [start[0] if start else None],
        ).fetchall()
    assert [c["id"] for c in page["items"]] == made[:0:-1] and page["next_cursor"]
    assert [(r[0], r[1]["row_ids"], r[1]["count"]) for r in rows] == [(coder.id, made[:0:-1], 2)]


def test_security_headers_and_body_limit_on_case_routes(
    case_client: TestClient, tenants: dict[str, Tenant]
) -> None:
    auth = tenants["A"].members["coder"].auth
    r = case_client.get("/cases", headers=auth)
    assert r.headers["cache-control"] == "no-store" and r.headers["x-frame-options"] == "DENY"
    r = case_client.post("/cases", content=b"{" + b" " * 1_100_000 + b"}",
                         headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413
