"""Cross-tenant through HTTP: a user of institution A never sees or changes anything of institution B."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.fixtures.cases import Tenant, create_case, send_to_provider


def _all_ids(client: TestClient, auth: dict[str, str], **params: Any) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        query = {"limit": 100, **params, **({"cursor": cursor} if cursor else {})}
        r = client.get("/cases", params=query, headers=auth)
        assert r.status_code == 200, r.text
        ids += [c["id"] for c in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return ids


def test_cases_of_b_are_invisible_and_untouchable_from_a(
    case_client: TestClient, tenants: dict[str, Tenant]
) -> None:
    a, b = tenants["A"].members, tenants["B"].members
    b_case = create_case(case_client, b["coder"], mrn="B-SECRET", workflow_status="tenancy")
    b_sent = create_case(case_client, b["coder"], workflow_status="tenancy")
    send_to_provider(case_client, b["coder"], b_sent["id"], b["provider"])
    for intruder in (a["coder"], a["provider"]):
        for case_id in (b_case["id"], b_sent["id"]):
            # 404 (never 403): the answer is the same as for an id that does not exist.
            assert case_client.get(f"/cases/{case_id}", headers=intruder.auth).status_code == 404
            r = case_client.patch(f"/cases/{case_id}", json={"mrn": "x"}, headers=intruder.auth)
            assert r.status_code == 404
            for to in ("PENDING_CODER_REVIEW", "PENDING_BILLING", "INCOMPLETE"):
                r = case_client.post(f"/cases/{case_id}/transition", json={"to": to}, headers=intruder.auth)
                assert r.status_code == 404
        # Filters and pagination never reach them.
        for params in ({}, {"workflow_status": "tenancy"}, {"status": "PENDING_PROVIDER_REVIEW"},
                       {"status": "INCOMPLETE"}):
            ids = _all_ids(case_client, intruder.auth, **params)
            assert b_case["id"] not in ids and b_sent["id"] not in ids
    # B's own users still see theirs, untouched.
    r = case_client.get(f"/cases/{b_case['id']}", headers=b["coder"].auth)
    assert r.status_code == 200 and r.json()["mrn"] == "B-SECRET"


def test_a_coder_cannot_assign_a_provider_of_b(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    a, b = tenants["A"].members, tenants["B"].members
    case = create_case(case_client, a["coder"])
    case_client.post(f"/cases/{case['id']}/transition", json={"to": "PENDING_CODER_REVIEW"},
                     headers=a["coder"].auth)
    r = case_client.post(f"/cases/{case['id']}/transition",
                         json={"to": "PENDING_PROVIDER_REVIEW", "provider_user_id": b["provider"].id},
                         headers=a["coder"].auth)
    assert r.status_code == 422
    assert case_client.get(f"/cases/{case['id']}", headers=b["provider"].auth).status_code == 404


def test_same_institution_other_users_do_not_see_each_others_cases(
    case_client: TestClient, tenants: dict[str, Tenant]
) -> None:
    a = tenants["A"].members
    mine = create_case(case_client, a["coder"])
    assert case_client.get(f"/cases/{mine['id']}", headers=a["coder2"].auth).status_code == 404
    send_to_provider(case_client, a["coder"], mine["id"], a["provider"])
    assert case_client.get(f"/cases/{mine['id']}", headers=a["provider"].auth).status_code == 200
    assert case_client.get(f"/cases/{mine['id']}", headers=a["provider2"].auth).status_code == 404


def test_provider_lists_are_per_institution(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    for key, tenant in tenants.items():
        r = case_client.get("/providers", headers=tenant.members["coder"].auth)
        assert r.status_code == 200
        listed = {p["id"] for p in r.json()}
        assert listed == {tenant.members["provider"].id, tenant.members["provider2"].id}, key
        assert all(set(p) == {"id", "name"} for p in r.json())
    assert case_client.get("/providers").status_code == 401


def test_profiles_and_settings_are_own_only(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    a, b = tenants["A"].members, tenants["B"].members
    r = case_client.get("/me/profile", headers=a["coder"].auth)
    assert r.status_code == 200 and r.json()["id"] == a["coder"].id
    assert r.json()["institution_name"] == tenants["A"].name
    r = case_client.patch("/me/settings", json={"theme": "dark"}, headers=b["coder"].auth)
    assert r.status_code == 200
    assert case_client.get("/me/settings", headers=a["coder"].auth).json()["theme"] == "light"
    assert case_client.get("/me/settings", headers=b["coder"].auth).json()["theme"] == "dark"
