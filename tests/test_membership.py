"""Verified institution membership (issue 12), tried from the attacker's side through the API.

Found by the probe: anyone could sign up with any address, name institution B as a 'Provider',
appear at once in B's /providers, be sent B's cases and read them."""

from __future__ import annotations

import secrets
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import Connection

from oxkair.local import LocalServer
from tests.fixtures.cases import Member, Tenant, create_case, purge, send_to_provider, sign_up
from tests.fixtures.data import make_case, make_institution, make_user
from tests.fixtures.db import acting_as
from tests.fixtures.supabase import oxkair


def _status(client: TestClient, member: Member) -> str:
    r = client.get("/me/profile", headers=member.auth)
    assert r.status_code == 200, r.text
    return str(r.json()["verification_status"])


def _provider_ids(client: TestClient, member: Member) -> set[str]:
    r = client.get("/providers", headers=member.auth)
    assert r.status_code == 200, r.text
    return {p["id"] for p in r.json()}


def test_a_stranger_who_claims_an_institution_gets_nothing(case_client: TestClient, server: LocalServer,
                                                           tenants: dict[str, Tenant]) -> None:
    b = tenants["B"]
    stranger = sign_up(case_client, server, b.id, f"stranger-{secrets.token_hex(3)}.example", "Provider")
    coder_stranger = sign_up(case_client, server, b.id, "elsewhere.example", "Medical Coder")
    try:
        assert _status(case_client, stranger) == "not verified"
        assert stranger.id not in _provider_ids(case_client, b.members["coder"])
        case = create_case(case_client, b.members["coder"])
        r = case_client.post(f"/cases/{case['id']}/transition", json={"to": "PENDING_CODER_REVIEW"},
                             headers=b.members["coder"].auth)
        assert r.status_code == 200, r.text
        r = case_client.post(f"/cases/{case['id']}/transition",
                             json={"to": "PENDING_PROVIDER_REVIEW", "provider_user_id": stranger.id},
                             headers=b.members["coder"].auth)
        assert r.status_code == 422 and "verified Provider" in r.json()["detail"]
        assert case_client.get(f"/cases/{case['id']}", headers=stranger.auth).status_code == 404
        assert case_client.get("/cases", headers=stranger.auth).json()["items"] == []
        assert _provider_ids(case_client, stranger) == set()  # nor the institution's providers
        r = case_client.post("/cases", json={"mrn": "MRN-X"}, headers=coder_stranger.auth)
        assert r.status_code == 403 and "not verified" in r.json()["detail"]
    finally:
        purge(server, [stranger.id, coder_stranger.id])


def test_a_confirmed_address_of_the_institutions_domain_verifies(case_client: TestClient,
                                                                 server: LocalServer,
                                                                 tenants: dict[str, Tenant]) -> None:
    a = tenants["A"]
    sub = sign_up(case_client, server, a.id, f"cardiology.{a.domain}", "Provider")
    lookalikes = [sign_up(case_client, server, a.id, domain, "Provider")
                  for domain in (f"evil{a.domain}", f"{a.domain}.evil.example", f"{a.domain}x")]
    try:
        assert _status(case_client, sub) == "verified"
        assert sub.id in _provider_ids(case_client, a.members["coder"])
        for member in lookalikes:
            assert _status(case_client, member) == "not verified", member.email
            assert member.id not in _provider_ids(case_client, a.members["coder"])
    finally:
        purge(server, [sub.id, *(m.id for m in lookalikes)])


def test_an_unconfirmed_address_is_not_a_member(case_client: TestClient, server: LocalServer,
                                                tenants: dict[str, Tenant]) -> None:
    a = tenants["A"]
    email = f"unconfirmed-{secrets.token_hex(3)}@{a.domain}"
    r = case_client.post("/auth/signup", json={
        "email": email, "password": "correct horse battery staple", "first_name": "Una",
        "last_name": "Confirmed", "user_category": "Provider", "institution_id": a.id})
    assert r.status_code == 202
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        row = conn.execute("SELECT p.id, p.verification_status FROM public.profiles p"
                           " JOIN auth.users u ON u.id = p.id WHERE u.email = %s", [email]).fetchone()
    assert row is not None
    try:
        assert row[1] == "not verified"
    finally:
        purge(server, [str(row[0])])


def _admins_add(cli_env: dict[str, str], email: str, institution: str) -> Any:
    return oxkair(cli_env, "institutions", "admins", "add", email, "--institution", institution, timeout=60)


def test_an_administrator_approves_and_rejects_in_their_own_institution_only(
        case_client: TestClient, server: LocalServer, tenants: dict[str, Tenant],
        cli_env: dict[str, str]) -> None:
    a, b = tenants["A"], tenants["B"]
    admin, other_admin = b.members["coder2"], a.members["coder2"]
    assert _admins_add(cli_env, admin.email, b.name.upper()).returncode == 0
    assert _admins_add(cli_env, other_admin.email, a.id).returncode == 0
    applicant = sign_up(case_client, server, b.id, "clinic-elsewhere.example", "Provider")
    refused = sign_up(case_client, server, b.id, "clinic-elsewhere.example", "Medical Coder")
    try:
        # Nobody but B's administrator sees or decides B's applicants.
        assert case_client.get("/institution/members", headers=b.members["coder"].auth).status_code == 403
        assert case_client.get("/institution/members", headers=applicant.auth).status_code == 403
        r = case_client.post(f"/institution/members/{applicant.id}/decision", json={"decision": "verified"},
                             headers=other_admin.auth)
        assert r.status_code == 404
        assert _status(case_client, applicant) == "not verified"
        r = case_client.post(f"/institution/members/{admin.id}/decision", json={"decision": "rejected"},
                             headers=admin.auth)
        assert r.status_code == 422  # not about oneself

        r = case_client.get("/institution/members", params={"status": "not verified"}, headers=admin.auth)
        assert r.status_code == 200
        assert {m["id"] for m in r.json()} >= {applicant.id, refused.id}
        assert all(m["verification_status"] == "not verified" for m in r.json())

        r = case_client.post(f"/institution/members/{applicant.id}/decision", json={"decision": "verified"},
                             headers=admin.auth)
        assert r.status_code == 200 and r.json()["verification_status"] == "verified"
        assert applicant.id in _provider_ids(case_client, b.members["coder"])
        case = create_case(case_client, b.members["coder"])
        send_to_provider(case_client, b.members["coder"], case["id"], applicant)
        assert case_client.get(f"/cases/{case['id']}", headers=applicant.auth).status_code == 200

        r = case_client.post(f"/institution/members/{refused.id}/decision", json={"decision": "rejected"},
                             headers=admin.auth)
        assert r.status_code == 200 and _status(case_client, refused) == "rejected"
        assert case_client.post("/cases", json={"mrn": "M1"}, headers=refused.auth).status_code == 403

        # A second administrator, named by the first: only a verified member of the same institution.
        assert case_client.post("/institution/admins", json={"user_id": refused.id},
                                headers=admin.auth).status_code == 404
        assert case_client.post("/institution/admins", json={"user_id": a.members["coder"].id},
                                headers=admin.auth).status_code == 404
        r = case_client.post("/institution/admins", json={"user_id": applicant.id}, headers=admin.auth)
        assert r.status_code == 201 and r.json()["is_admin"] is True
        assert case_client.get("/me/profile", headers=applicant.auth).json()["is_institution_admin"] is True

        with psycopg.connect(**server.superuser_conninfo()) as conn:
            decisions = conn.execute(
                "SELECT action, actor_user_id::text, row_id FROM audit.log"
                " WHERE action IN ('MEMBERSHIP_APPROVED', 'MEMBERSHIP_REJECTED', 'INSTITUTION_ADMIN_ADDED')"
                " AND row_id = ANY(%s) ORDER BY at", [[applicant.id, refused.id, admin.id]]).fetchall()
        assert ("INSTITUTION_ADMIN_ADDED", None, admin.id) in decisions  # named from the CLI
        assert ("MEMBERSHIP_APPROVED", admin.id, applicant.id) in decisions
        assert ("MEMBERSHIP_REJECTED", admin.id, refused.id) in decisions
        assert ("INSTITUTION_ADMIN_ADDED", admin.id, applicant.id) in decisions
    finally:
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute("DELETE FROM app.designations WHERE user_id = ANY(%s::uuid[])",
                         [[admin.id, other_admin.id, applicant.id]])
        purge(server, [applicant.id, refused.id])


def test_the_cli_refuses_unclear_requests(cli_env: dict[str, str], tenants: dict[str, Tenant]) -> None:
    a, b = tenants["A"], tenants["B"]
    cases = [(a.members["coder"].email, "No Such Hospital", "no institution"),
             ("nobody@nowhere.example", a.name, "no user"),
             (a.members["coder"].email, b.name, "another institution")]
    for email, institution, message in cases:
        done = _admins_add(cli_env, email, institution)
        assert done.returncode == 1, done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr


def _sees(su: Connection[Any], case: Any) -> int:
    row = su.execute("SELECT count(*) FROM public.medical_notes WHERE id = %s", [case]).fetchone()
    assert row
    return int(row[0])


def test_a_new_institution_starts_over_and_hides_the_old_cases(su: Connection[Any]) -> None:
    first, second = make_institution(su), make_institution(su)
    coder = make_user(su, "Medical Coder", first)
    case = make_case(su, coder)
    with acting_as(su, coder):
        assert _sees(su, case) == 1
    su.execute("UPDATE public.profiles SET institution_id = %s WHERE id = %s", [second, coder])
    assert su.execute("SELECT verification_status FROM public.profiles WHERE id = %s",
                      [coder]).fetchone() == ("not verified",)
    with acting_as(su, coder):
        assert _sees(su, case) == 0
        assert su.execute("SELECT count(*) FROM public.institution_providers()").fetchone() == (0,)
    # Verified again in the new institution, the old institution's case stays out of reach.
    su.execute("UPDATE public.profiles SET verification_status = 'verified' WHERE id = %s", [coder])
    with acting_as(su, coder):
        assert _sees(su, case) == 0


def test_unverified_users_cannot_be_made_providers_or_create_cases_in_sql(su: Connection[Any]) -> None:
    """As the real role, past the API: the case invariants refuse what RLS would not see."""
    inst = make_institution(su)
    coder = make_user(su, "Medical Coder", inst)
    pending_provider = make_user(su, "Provider", inst, verified=False)
    pending_coder = make_user(su, "Medical Coder", inst, verified=False)
    case = make_case(su, coder, status="PENDING_CODER_REVIEW")
    with pytest.raises(psycopg.errors.CheckViolation) as caught, acting_as(su, coder):
        su.execute("UPDATE public.medical_notes SET status = 'PENDING_PROVIDER_REVIEW',"
                   " provider_user_id = %s WHERE id = %s", [pending_provider, case])
    assert caught.value.diag.constraint_name == "medical_notes_provider_in_institution"
    with pytest.raises(psycopg.errors.CheckViolation) as caught, acting_as(su, pending_coder):
        su.execute("INSERT INTO public.medical_notes (user_id, case_number)"
                   " VALUES (auth.uid(), 'CASE-PENDING-1')")
    assert caught.value.diag.constraint_name == "medical_notes_creator_verified"
