"""/rest/v1 (issue 13): PostgREST's wire format, requests exactly as supabase-js sends them
(URLSearchParams encoding, its headers), against the real server, as the real roles under RLS."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import urlencode

import hypothesis
import psycopg
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey

from oxkair.api import create_app
from oxkair.auth.anon_key import issue_anon_key
from oxkair.auth.keys import KeyStore
from oxkair.config import Settings
from oxkair.db import make_pool
from oxkair.local import LocalServer
from oxkair.target import role_params
from tests.fixtures.api import PASSWORD
from tests.fixtures.cases import Member, Tenant, create_case, send_to_provider

APIKEY = ""  # this deployment's anon key (set by _apikey): /rest/v1 checks it, it grants nothing
NO_KEY = {"message": "No API key found in request",
          "hint": "No `apikey` request header or url param was found."}
BAD_KEY = {"message": "Invalid API key",
           "hint": "Double check your Supabase `anon` or `service_role` API key."}


@pytest.fixture(scope="session", autouse=True)
def _apikey(api_settings: Settings) -> None:
    global APIKEY
    APIKEY = issue_anon_key(KeyStore.from_settings(api_settings), api_settings.oxkair_jwt_issuer)


def _form(text: str) -> str:
    """The application/x-www-form-urlencoded serializer of the URL standard, which URLSearchParams
    (and so supabase-js) uses: alphanumerics and *-._ as they are, space as +, the rest %XX."""
    return "".join(
        chr(b)
        if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "*-._")
        else "+"
        if b == 0x20
        else f"%{b:02X}"
        for b in text.encode()
    )


def js(table: str, *params: tuple[str, str]) -> str:
    """The URL supabase-js builds (url.searchParams.append/set)."""
    query = "&".join(f"{_form(k)}={_form(v)}" for k, v in params)
    return f"/rest/v1/{table}" + (f"?{query}" if query else "")


def headers(member: Member | None = None, **extra: str) -> dict[str, str]:
    """supabase-js's headers: apikey, the session's token (else the anon key), its client info."""
    h = {
        "apikey": APIKEY,
        "Authorization": f"Bearer {member.token if member else APIKEY}",
        "X-Client-Info": "supabase-js-node/2.49.4",
        "Accept-Profile": "public",
    }
    h.update({k.replace("_", "-"): v for k, v in extra.items()})
    return h


def write_headers(member: Member | None, prefer: str | None = None, **extra: str) -> dict[str, str]:
    h = headers(member, **extra)
    h.pop("Accept-Profile")
    h.update({"Content-Profile": "public", "Content-Type": "application/json"})
    if prefer:
        h["Prefer"] = prefer
    return h


def error(r: Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert set(body) == {"code", "message", "details", "hint"}, body
    assert body["code"] == code, body
    return body


@pytest.fixture(scope="module")
def cases(case_client: TestClient, tenants: dict[str, Tenant]) -> dict[str, list[dict[str, Any]]]:
    """Three cases of coder A (one sent to provider A), two of coder B."""
    a, b = tenants["A"].members, tenants["B"].members
    mine = [
        create_case(case_client, a["coder"], mrn=f"MRN-A{i}", insurance_provider=f"Ins {i}") for i in range(3)
    ]
    send_to_provider(case_client, a["coder"], mine[0]["id"], a["provider"])
    theirs = [create_case(case_client, b["coder"], mrn=f"MRN-B{i}") for i in range(2)]
    return {"A": mine, "B": theirs}


def access_log(server: LocalServer, user_id: str) -> list[dict[str, Any]]:
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT detail FROM audit.log WHERE action = 'READ' AND actor_user_id = %s"
            " AND table_name = 'public.medical_notes' ORDER BY at, seq",
            [user_id],
        ).fetchall()
    return [r[0] for r in rows]


# ───────────────────────────────────────────────────────────── reads
def test_select_filter_order_limit(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    cases: dict[str, list[dict[str, Any]]],
    server: LocalServer,
) -> None:
    coder = tenants["A"].members["coder"]
    before = len(access_log(server, coder.id))
    # supabase.from('medical_notes').select('id, case_number, mrn, status')
    #   .eq('status', 'INCOMPLETE').order('created_at', { ascending: false }).limit(25)
    r = case_client.get(
        js(
            "medical_notes",
            ("select", "id,case_number,mrn,status"),
            ("status", "eq.INCOMPLETE"),
            ("order", "created_at.desc"),
            ("limit", "25"),
        ),
        headers=headers(coder),
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    rows = r.json()
    assert [row["mrn"] for row in rows] == ["MRN-A2", "MRN-A1"]
    assert list(rows[0]) == ["id", "case_number", "mrn", "status"]
    assert r.headers["content-range"] == "0-1/*"
    log = access_log(server, coder.id)
    assert len(log) == before + 1
    assert log[-1]["endpoint"] == "GET /rest/v1/medical_notes"
    assert log[-1]["row_ids"] == [row["id"] for row in rows]


def test_aliases_embedding_and_count(
    case_client: TestClient, tenants: dict[str, Tenant], cases: dict[str, list[dict[str, Any]]]
) -> None:
    coder = tenants["A"].members["coder"]
    # .select('caseId:id, mrn, institutions(name)', { count: 'exact' }).range(0, 1)
    r = case_client.get(
        js(
            "medical_notes",
            ("select", "caseId:id,mrn,institutions(name)"),
            ("order", "mrn.asc"),
            ("offset", "0"),
            ("limit", "2"),
        ),
        headers=headers(coder, Prefer="count=exact"),
    )
    assert r.status_code == 206, r.text
    assert r.headers["content-range"] == "0-1/3"
    rows = r.json()
    assert rows == [
        {"caseId": cases["A"][0]["id"], "mrn": "MRN-A0", "institutions": {"name": tenants["A"].name}},
        {"caseId": cases["A"][1]["id"], "mrn": "MRN-A1", "institutions": {"name": tenants["A"].name}},
    ]
    # the !fkey hint and an alias on the embed
    r = case_client.get(
        js(
            "medical_notes",
            ("select", "mrn,hospital:institutions!fk_medical_notes_institution(id,name)"),
            ("mrn", "eq.MRN-A0"),
        ),
        headers=headers(coder),
    )
    assert r.json() == [{"mrn": "MRN-A0", "hospital": {"id": tenants["A"].id, "name": tenants["A"].name}}]
    # from profiles, and the reverse (to-many) embed from institutions
    r = case_client.get(
        js("profiles", ("select", "first_name,user_category,institutions(name)")), headers=headers(coder)
    )
    assert r.json() == [
        {
            "first_name": "CoderA",
            "user_category": "Medical Coder",
            "institutions": {"name": tenants["A"].name},
        }
    ]
    r = case_client.get(js("institutions", ("select", "name,profiles(first_name)")), headers=headers(coder))
    assert r.json() == [{"name": tenants["A"].name, "profiles": [{"first_name": "CoderA"}]}]


def test_filters(
    case_client: TestClient, tenants: dict[str, Tenant], cases: dict[str, list[dict[str, Any]]]
) -> None:
    coder = tenants["A"].members["coder"]

    def mrns(*params: tuple[str, str]) -> list[str]:
        r = case_client.get(
            js("medical_notes", ("select", "mrn"), *params, ("order", "mrn.asc")), headers=headers(coder)
        )
        assert r.status_code == 200, r.text
        return [row["mrn"] for row in r.json()]

    everything = ["MRN-A0", "MRN-A1", "MRN-A2"]
    assert mrns() == everything
    assert mrns(("mrn", "neq.MRN-A1")) == ["MRN-A0", "MRN-A2"]
    assert mrns(("mrn", "gt.MRN-A0")) == ["MRN-A1", "MRN-A2"]
    assert mrns(("mrn", "gte.MRN-A1"), ("mrn", "lte.MRN-A1")) == ["MRN-A1"]
    assert mrns(("mrn", "lt.MRN-A1")) == ["MRN-A0"]
    assert mrns(("mrn", "like.*A2")) == ["MRN-A2"]
    assert mrns(("mrn", "like.%A2")) == ["MRN-A2"]
    assert mrns(("mrn", "ilike.mrn-a1")) == ["MRN-A1"]
    assert mrns(("mrn", 'in.(MRN-A0,"MRN-A2")')) == ["MRN-A0", "MRN-A2"]
    assert mrns(("mrn", "not.in.(MRN-A0,MRN-A2)")) == ["MRN-A1"]
    assert mrns(("provider_user_id", "is.null")) == ["MRN-A1", "MRN-A2"]
    assert mrns(("provider_user_id", "not.is.null")) == ["MRN-A0"]
    assert mrns(("status", "eq.PENDING_PROVIDER_REVIEW")) == ["MRN-A0"]
    # .or('mrn.eq.MRN-A0,insurance_provider.eq.Ins 2')
    assert mrns(("or", "(mrn.eq.MRN-A0,insurance_provider.eq.Ins 2)")) == ["MRN-A0", "MRN-A2"]
    assert mrns(("or", '(mrn.eq.MRN-A0,and(mrn.like.*1,insurance_provider.eq."Ins 1"))')) == [
        "MRN-A0",
        "MRN-A1",
    ]
    assert mrns(("not.or", "(mrn.eq.MRN-A0,mrn.eq.MRN-A1)")) == ["MRN-A2"]
    assert mrns(("id", f"eq.{cases['A'][1]['id']}")) == ["MRN-A1"]
    # order with nulls, and by an embedded to-one column
    r = case_client.get(
        js("medical_notes", ("select", "mrn"), ("order", "provider_user_id.asc.nullsfirst,mrn.desc")),
        headers=headers(coder),
    )
    assert [row["mrn"] for row in r.json()] == ["MRN-A2", "MRN-A1", "MRN-A0"]


def test_single_object(
    case_client: TestClient, tenants: dict[str, Tenant], cases: dict[str, list[dict[str, Any]]]
) -> None:
    coder = tenants["A"].members["coder"]
    single = {"Accept": "application/vnd.pgrst.object+json"}
    r = case_client.get(
        js("medical_notes", ("select", "id,mrn"), ("mrn", "eq.MRN-A1")), headers={**headers(coder), **single}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.pgrst.object+json")
    assert r.json() == {"id": cases["A"][1]["id"], "mrn": "MRN-A1"}
    body = error(
        case_client.get(js("medical_notes", ("select", "id")), headers={**headers(coder), **single}),
        406,
        "PGRST116",
    )
    assert body["details"] == "The result contains 3 rows"
    body = error(
        case_client.get(
            js("medical_notes", ("select", "id"), ("mrn", "eq.nope")), headers={**headers(coder), **single}
        ),
        406,
        "PGRST116",
    )
    assert body["details"] == "The result contains 0 rows"


def test_head_count(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    cases: dict[str, list[dict[str, Any]]],
    server: LocalServer,
) -> None:
    coder = tenants["A"].members["coder"]
    before = len(access_log(server, coder.id))
    # .select('*', { count: 'exact', head: true })
    r = case_client.head(js("medical_notes", ("select", "*")), headers=headers(coder, Prefer="count=exact"))
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-range"] == "0-2/3"
    assert len(access_log(server, coder.id)) == before  # no row left the server


# ───────────────────────────────────────────────────────────── writes
def test_insert_update_upsert_delete(
    case_client: TestClient, tenants: dict[str, Tenant], server: LocalServer
) -> None:
    coder = tenants["A"].members["coder2"]
    # .insert({ mrn, operative_notes }).select()
    r = case_client.post(
        js("medical_notes", ("columns", '"mrn","operative_notes"'), ("select", "*")),
        content=json.dumps({"mrn": "REST-1", "operative_notes": "n"}),
        headers=write_headers(coder, "return=representation"),
    )
    assert r.status_code == 201, r.text
    row = r.json()[0]
    assert row["user_id"] == coder.id and row["institution_id"] == tenants["A"].id
    assert row["case_number"].startswith("CASE-") and row["status"] == "INCOMPLETE"
    assert access_log(server, coder.id)[-1]["row_ids"] == [row["id"]]
    # bulk, minimal
    r = case_client.post(
        js("medical_notes", ("columns", '"mrn"')),
        content=json.dumps([{"mrn": "REST-2"}, {"mrn": "REST-3"}]),
        headers=write_headers(coder),
    )
    assert r.status_code == 201 and r.content == b"", r.text
    # .update({ insurance_provider }).eq('mrn', 'REST-2').select('mrn, insurance_provider')
    r = case_client.patch(
        js("medical_notes", ("mrn", "eq.REST-2"), ("select", "mrn,insurance_provider")),
        content=json.dumps({"insurance_provider": "Aetna"}),
        headers=write_headers(coder, "return=representation"),
    )
    assert r.status_code == 200, r.text
    assert r.json() == [{"mrn": "REST-2", "insurance_provider": "Aetna"}]
    r = case_client.patch(
        js("medical_notes", ("mrn", "eq.REST-3")),
        content=json.dumps({"insurance_provider": "X"}),
        headers=write_headers(coder, "count=exact"),
    )
    assert r.status_code == 204 and r.headers["content-range"] == "0-0/1", r.text
    # a transition the invariants refuse is refused through REST too
    r = case_client.patch(
        js("medical_notes", ("mrn", "eq.REST-3")),
        content=json.dumps({"status": "PENDING_BILLING"}),
        headers=write_headers(coder),
    )
    error(r, 400, "23514")
    # upsert of settings: .upsert({ id, theme }, { onConflict: 'id' }).select()
    for theme in ("dark", "light"):
        r = case_client.post(
            js("user_settings", ("on_conflict", "id"), ("columns", '"id","theme"'), ("select", "*")),
            content=json.dumps({"id": coder.id, "theme": theme}),
            headers=write_headers(coder, "resolution=merge-duplicates,return=representation"),
        )
        assert r.status_code == 201, r.text
        assert r.json()[0]["theme"] == theme
        assert "resolution=merge-duplicates" in r.headers["preference-applied"]
    # cases cannot be deleted by anyone (no grant): 42501, 403 for a signed-in user
    r = case_client.delete(js("medical_notes", ("mrn", "eq.REST-3")), headers=write_headers(coder))
    error(r, 403, "42501")


# ───────────────────────────────────────────────────────────── RPC
def test_rpc(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    # supabase.rpc('search_institutions', { q: ... }) before sign-in (the anon key as bearer)
    r = case_client.post(
        "/rest/v1/rpc/search_institutions",
        content=json.dumps({"q": tenants["A"].name[:12]}),
        headers=write_headers(None),
    )
    assert r.status_code == 200, r.text
    assert tenants["A"].id in [row["id"] for row in r.json()]
    r = case_client.post(
        "/rest/v1/rpc/suggest_institutions",
        content=json.dumps({"email": f"x@{tenants['B'].domain}"}),
        headers=write_headers(None),
    )
    assert r.json() == [{"id": tenants["B"].id, "name": tenants["B"].name}]
    r = case_client.post(
        "/rest/v1/rpc/search_institutions", content=json.dumps({"query": "x"}), headers=write_headers(None)
    )
    error(r, 404, "PGRST202")
    error(
        case_client.post("/rest/v1/rpc/pg_sleep", content="{}", headers=write_headers(None)), 404, "PGRST202"
    )
    # the Providers of one's institution: supabase.rpc('institution_providers').select('id, name')
    a = tenants["A"].members
    r = case_client.post(
        js("rpc/institution_providers", ("select", "id,name"), ("order", "name.desc")),
        content="{}",
        headers=write_headers(a["coder"]),
    )
    assert r.status_code == 200, r.text
    assert r.json() == [
        {"id": a["provider"].id, "name": "ProviderA Tester"},
        {"id": a["provider2"].id, "name": "Provider2A Tester"},
    ]
    r = case_client.post("/rest/v1/rpc/institution_providers", content="{}", headers=write_headers(None))
    error(r, 401, "42501")


# ───────────────────────────────────────────────────────────── attacks
def test_cross_tenant_reads_see_nothing(
    case_client: TestClient, tenants: dict[str, Tenant], cases: dict[str, list[dict[str, Any]]]
) -> None:
    b = tenants["B"].members["coder"]
    their_case = cases["A"][0]["id"]
    for url in (
        js("medical_notes", ("id", f"eq.{their_case}")),
        js("medical_notes", ("institution_id", f"eq.{tenants['A'].id}")),
        js("profiles", ("id", f"eq.{tenants['A'].members['coder'].id}")),
        js("user_settings", ("id", f"eq.{tenants['A'].members['coder'].id}")),
        js("institutions", ("id", f"eq.{tenants['A'].id}")),
    ):
        r = case_client.get(url, headers=headers(b))
        assert r.status_code == 200 and r.json() == [], (url, r.text)
    # the other coder of A sees no case of coder A either; provider A sees only the one sent
    r = case_client.get(
        js("medical_notes", ("select", "mrn")), headers=headers(tenants["A"].members["coder2"])
    )
    assert "MRN-A0" not in [row["mrn"] for row in r.json()]
    r = case_client.get(
        js("medical_notes", ("select", "mrn")), headers=headers(tenants["A"].members["provider"])
    )
    assert [row["mrn"] for row in r.json()] == ["MRN-A0"]


def test_writes_to_others_rows_refused(
    case_client: TestClient, tenants: dict[str, Tenant], cases: dict[str, list[dict[str, Any]]]
) -> None:
    b = tenants["B"].members["coder"]
    a = tenants["A"].members["coder"]
    r = case_client.patch(
        js("medical_notes", ("id", f"eq.{cases['A'][1]['id']}"), ("select", "id")),
        content=json.dumps({"mrn": "stolen"}),
        headers=write_headers(b, "return=representation"),
    )
    assert r.status_code == 200 and r.json() == []  # RLS: no row of theirs matches
    r = case_client.patch(
        js("profiles", ("id", f"eq.{a.id}")),
        content=json.dumps({"first_name": "Mallory"}),
        headers=write_headers(b, "count=exact"),
    )
    assert r.status_code == 204 and r.headers["content-range"] == "*/0"
    # inserting a case in someone else's name or institution: refused by the policy
    r = case_client.post(
        js("medical_notes"), content=json.dumps({"user_id": a.id, "mrn": "forged"}), headers=write_headers(b)
    )
    body = error(r, 403, "42501")
    assert "row-level security" in body["message"]
    r = case_client.post(
        js("medical_notes"),
        content=json.dumps({"institution_id": tenants["A"].id, "mrn": "forged"}),
        headers=write_headers(b),
    )
    assert r.status_code in (400, 403), r.text
    # settings of another user through upsert
    r = case_client.post(
        js("user_settings", ("on_conflict", "id")),
        content=json.dumps({"id": a.id, "theme": "dark"}),
        headers=write_headers(b, "resolution=merge-duplicates"),
    )
    error(r, 403, "42501")
    r = case_client.get(
        js("medical_notes", ("select", "mrn"), ("id", f"eq.{cases['A'][1]['id']}")), headers=headers(a)
    )
    assert r.json() == [{"mrn": "MRN-A1"}]


def test_unfiltered_writes_refused(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder"]
    r = case_client.patch(
        js("medical_notes"), content=json.dumps({"mrn": "all"}), headers=write_headers(coder)
    )
    assert error(r, 400, "21000")["message"] == "UPDATE requires a WHERE clause"
    r = case_client.delete(js("user_settings"), headers=write_headers(coder))
    assert error(r, 400, "21000")["message"] == "DELETE requires a WHERE clause"
    # an embedded filter does not make a write filtered
    r = case_client.patch(
        js("profiles", ("institutions.name", "eq.x")),
        content=json.dumps({"first_name": "Z"}),
        headers=write_headers(coder),
    )
    error(r, 400, "21000")


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ((("select", "id,(select password_hash from auth.users)"),), 400, "PGRST100"),
        ((("select", "id;drop table x"),), 400, "PGRST100"),
        ((("select", 'id,"password_hash"'),), 400, "42703"),
        ((("select", "email_domains"),), 400, "42703"),
        ((("select", "id"), ("mrn); drop table x; --", "eq.1")), 400, "PGRST100"),
        ((("select", "id"), ("password_hash", "eq.1")), 400, "42703"),
        ((("select", "id"), ("mrn", "eq2.1")), 400, "PGRST100"),
        ((("select", "id"), ("order", "mrn;drop")), 400, "PGRST100"),
        ((("select", "id"), ("order", "secret.desc")), 400, "42703"),
        ((("select", "id,users(email)"),), 400, "PGRST200"),
        ((("select", "id,institutions!nope(name)"),), 400, "PGRST200"),
        ((("select", "id"), ("users.email", "eq.x")), 400, "PGRST108"),
        ((("select", "id"), ("limit", "-1")), 400, "PGRST100"),
        ((("select", "id::regclass"),), 400, "PGRST100"),
    ],
)
def test_injection_never_reaches_sql(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    params: tuple[tuple[str, str], ...],
    status: int,
    code: str,
) -> None:
    r = case_client.get(js("medical_notes", *params), headers=headers(tenants["A"].members["coder"]))
    error(r, status, code)


def test_unknown_table_and_payload_column(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder"]
    error(case_client.get(js("users"), headers=headers(coder)), 404, "PGRST205")
    error(case_client.get("/rest/v1/pg_catalog.pg_authid", headers=headers(coder)), 404, "PGRST205")
    r = case_client.post(
        js("medical_notes"),
        content=json.dumps({"mrn": "x", "user_id; drop": 1}),
        headers=write_headers(coder),
    )
    assert (
        error(r, 400, "PGRST204")["message"] == "Could not find the 'user_id; drop' column of 'medical_notes'"
        " in the schema cache"
    )
    error(
        case_client.get(js("medical_notes"), headers={**headers(coder), "Accept-Profile": "auth"}),
        406,
        "PGRST106",
    )


def test_medical_notes_cannot_be_embedded_unlogged(
    case_client: TestClient, tenants: dict[str, Tenant]
) -> None:
    r = case_client.get(
        js("institutions", ("select", "name,medical_notes(mrn)")),
        headers=headers(tenants["A"].members["coder"]),
    )
    error(r, 400, "PGRST127")


def test_anon_sees_nothing(case_client: TestClient, cases: dict[str, list[dict[str, Any]]]) -> None:
    for table in ("medical_notes", "profiles", "user_settings", "institutions"):
        for h in (headers(None), {"apikey": APIKEY}):
            r = case_client.get(js(table, ("select", "id")), headers=h)
            assert error(r, 401, "42501")["message"].startswith("permission denied"), (table, h)
    r = case_client.post(
        js("medical_notes"), content=json.dumps({"mrn": "anon"}), headers=write_headers(None)
    )
    error(r, 401, "42501")


def test_apikey_is_checked_first(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    cases: dict[str, list[dict[str, Any]]],
    api_settings: Settings,
    superuser: psycopg.Connection[Any],
) -> None:
    """Supabase's gateway: no apikey, or one that is not this deployment's anon key, is refused
    with its {message, hint} before any token or SQL, even alongside a valid session token."""
    coder = tenants["A"].members["coder"]
    read = js("medical_notes", ("select", "id"))
    ok = case_client.get(read, headers=headers(coder))
    assert ok.status_code == 200 and len(ok.json()) == len(cases["A"]), ok.text  # the control

    def refused(r: Response, body: dict[str, str], what: str = "") -> None:
        assert r.status_code == 401, (what, r.text)
        assert r.json() == body, what

    without = {k: v for k, v in headers(coder).items() if k != "apikey"}
    refused(case_client.get(read, headers=without), NO_KEY)
    refused(case_client.get(read, headers=without | {"apikey": ""}), NO_KEY)
    refused(case_client.post(js("rpc/search_institutions"), json={"q": "a"}, headers={}), NO_KEY)
    now = int(time.time())
    issuer = api_settings.oxkair_jwt_issuer
    others = {
        "garbage": "not-a-key",
        "another deployment's": issue_anon_key(KeyStore.from_settings(api_settings), "https://staging.example"),
        "an access token": coder.token,
        "service_role": _signed(api_settings, {"iss": issuer, "role": "service_role", "iat": now,
                                               "exp": now + 3600}),
        "expired anon": _signed(api_settings, {"iss": issuer, "role": "anon", "iat": now - 7200,
                                               "exp": now - 3600}),
    }
    for what, key in others.items():
        refused(case_client.get(read, headers=headers(coder) | {"apikey": key}), BAD_KEY, what)
        refused(case_client.get(read + "&apikey=" + key, headers=without), BAD_KEY, what)
        # as both apikey and bearer, as supabase-js sends its configured key before sign-in
        both = {"apikey": key, "Authorization": f"Bearer {key}"}
        refused(case_client.get(read, headers=both), BAD_KEY, what)
    # a refused write writes nothing
    mrn = f"nokey-{time.time_ns()}"
    for h in (without, headers(coder) | {"apikey": others["service_role"]}):
        r = case_client.post(js("medical_notes"), content=json.dumps({"mrn": mrn}),
                             headers={k: v for k, v in write_headers(coder).items() if k != "apikey"}
                             | {k: v for k, v in h.items() if k == "apikey"})
        assert r.status_code == 401, r.text
    count = "SELECT count(*) FROM public.medical_notes WHERE mrn = %s"
    assert superuser.execute(count, (mrn,)).fetchone() == (0,)
    r = case_client.post(js("medical_notes"), content=json.dumps({"mrn": mrn}), headers=write_headers(coder))
    assert r.status_code == 201, r.text  # the control: with the key, the same write is made
    assert superuser.execute(count, (mrn,)).fetchone() == (1,)
    # the url param, as the gateway takes it, is not read as a filter
    r = case_client.get(read + "&apikey=" + APIKEY, headers=without)
    assert r.status_code == 200 and len(r.json()) == len(cases["A"]) + 1, r.text  # + the control's
    superuser.execute("DELETE FROM public.medical_notes WHERE mrn = %s", (mrn,))  # other tests count


def test_cors_preflight_needs_no_apikey(make_client: Any) -> None:
    app = make_client(oxkair_cors_origins="https://app.example.org")
    r = app.options(js("medical_notes"), headers={
        "Origin": "https://app.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "apikey, authorization, content-type"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://app.example.org"
    # the request itself still needs one
    r = app.get(js("medical_notes"), headers={"Origin": "https://app.example.org"})
    assert r.status_code == 401 and r.json() == NO_KEY


def _claims(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return claims


def _signed(settings: Settings, claims: dict[str, Any]) -> str:
    """A token signed with the service's own key (what only the server can make)."""
    key = KeyStore.from_settings(settings).signing
    return str(jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key.key, algorithms=["ES256"]))


def test_forged_and_expired_tokens(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    cases: dict[str, list[dict[str, Any]]],
    api_settings: Settings,
) -> None:
    coder = tenants["A"].members["coder"]

    def get(token: str) -> Response:
        return case_client.get(
            js("medical_notes", ("select", "mrn")),
            headers={**headers(coder), "Authorization": f"Bearer {token}"},
        )

    assert get(coder.token).status_code == 200
    head, payload, signature = coder.token.split(".")
    body = error(get(f"{head}.{payload}.{signature[:-6]}AAAAAA"), 401, "PGRST301")
    assert body["message"] == "JWT cryptographic operation failed"
    assert error(get("abc"), 401, "PGRST301")["message"] == "Expected 3 parts in JWT; got 1"
    # claims changed without the key: the signature no longer matches
    claims = _claims(coder.token)
    forged = base64.urlsafe_b64encode(
        json.dumps({**claims, "sub": tenants["B"].members["coder"].id}).encode()
    )
    error(get(f"{head}.{forged.decode().rstrip('=')}.{signature}"), 401, "PGRST301")
    # an attacker's own key
    attacker = ECKey.generate_key("P-256")
    stranger = jwt.encode(
        {"alg": "ES256", "kid": attacker.thumbprint()}, claims, attacker, algorithms=["ES256"]
    )
    assert error(get(stranger), 401, "PGRST301")["message"] == "No suitable key or wrong key type"
    # alg=none
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    error(get(f"{none}.{payload}."), 401, "PGRST301")
    # expired, though signed by the service's key
    now = int(time.time())
    r = get(_signed(api_settings, {**claims, "iat": now - 1000, "nbf": now - 1000, "exp": now - 100}))
    assert error(r, 401, "PGRST303")["message"] == "JWT expired"
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token", error_description="JWT expired"'
    # a valid signature on a signed-out session
    r = case_client.post("/auth/token", json={"email": coder.email, "password": PASSWORD})
    second = r.json()["access_token"]
    assert get(second).status_code == 200
    r = case_client.post("/auth/logout", headers={"Authorization": f"Bearer {second}"})
    assert r.status_code == 204, r.text
    error(get(second), 401, "PGRST303")
    assert get(coder.token).status_code == 200  # the other session is untouched
    # the token is checked before the request is read: a refused one learns nothing of it
    for url in (js("medical_notes", ("select", "id,(select 1)")), js("medical_notes", ("secret", "eq.1"))):
        r = case_client.get(url, headers={**headers(coder), "Authorization": f"Bearer {second}"})
        error(r, 401, "PGRST303")
    r = case_client.patch(
        js("medical_notes"), content="{}", headers=write_headers(coder) | {"Authorization": "Bearer x"}
    )
    error(r, 401, "PGRST301")


# ───────────────────────────────────────────────────────────── more of the grammar
def test_embedded_filters_inner_and_json(
    case_client: TestClient, tenants: dict[str, Tenant], cases: dict[str, list[dict[str, Any]]]
) -> None:
    coder = tenants["A"].members["coder"]

    def get(*params: tuple[str, str], **h: str) -> Any:
        r = case_client.get(js("medical_notes", *params, ("order", "mrn.asc")), headers=headers(coder, **h))
        assert r.status_code == 200, r.text
        return r.json()

    # a filter on an embedded resource filters the embedded rows (null when none matches) ...
    rows = get(
        ("select", "mrn,institutions(name)"), ("institutions.name", "eq.nothing"), ("mrn", "eq.MRN-A1")
    )
    assert rows == [{"mrn": "MRN-A1", "institutions": None}]
    # ... and with !inner it filters the parents
    assert get(("select", "mrn,institutions!inner(name)"), ("institutions.name", "eq.nothing")) == []
    rows = get(("select", "mrn,institutions!inner(name)"), ("institutions.name", f"eq.{tenants['A'].name}"))
    assert [r["mrn"] for r in rows] == ["MRN-A0", "MRN-A1", "MRN-A2"]
    # order by a to-one embed's column; Accept …;nulls=stripped
    rows = get(
        ("select", "mrn,provider_user_id"),
        ("mrn", "in.(MRN-A0,MRN-A1)"),
        Accept="application/vnd.pgrst.array+json;nulls=stripped",
    )
    assert rows == [
        {"mrn": "MRN-A0", "provider_user_id": tenants["A"].members["provider"].id},
        {"mrn": "MRN-A1"},
    ]
    r = case_client.get(
        js("medical_notes", ("select", "mrn"), ("order", "institutions(name).desc,mrn.asc")),
        headers=headers(coder),
    )
    assert [row["mrn"] for row in r.json()] == ["MRN-A0", "MRN-A1", "MRN-A2"]
    # JSON paths and casts in select and filters
    r = case_client.patch(
        js("medical_notes", ("mrn", "eq.MRN-A1")),
        content=json.dumps({"summary_data": {"icd": {"code": "K35.80"}, "n": 2}}),
        headers=write_headers(coder),
    )
    assert r.status_code == 204, r.text
    rows = get(
        ("select", "mrn,code:summary_data->icd->>code,n:summary_data->n::text"),
        ("summary_data->icd->>code", "eq.K35.80"),
    )
    assert rows == [{"mrn": "MRN-A1", "code": "K35.80", "n": "2"}]
    # an embed's own order and limit (supabase-js: .order('first_name', { referencedTable: 'profiles' }))
    r = case_client.get(
        js(
            "institutions",
            ("select", "name,profiles(first_name)"),
            ("profiles.order", "first_name.desc"),
            ("profiles.limit", "1"),
        ),
        headers=headers(coder),
    )
    assert r.json() == [{"name": tenants["A"].name, "profiles": [{"first_name": "CoderA"}]}]


def test_ranges_and_caps(
    case_client: TestClient,
    make_client: Any,
    tenants: dict[str, Tenant],
    cases: dict[str, list[dict[str, Any]]],
) -> None:
    coder = tenants["A"].members["coder"]
    r = case_client.get(
        js("medical_notes", ("select", "mrn"), ("order", "mrn.asc")),
        headers=headers(coder, Range="1-1", Prefer="count=exact"),
    )
    assert r.status_code == 206 and r.json() == [{"mrn": "MRN-A1"}] and r.headers["content-range"] == "1-1/3"
    r = case_client.get(
        js("medical_notes", ("select", "mrn"), ("offset", "10")), headers=headers(coder, Prefer="count=exact")
    )
    body = error(r, 416, "PGRST103")
    assert body["details"] == "An offset of 10 was requested, but there are only 3 rows."
    r = case_client.get(
        js("medical_notes", ("select", "mrn"), ("mrn", "eq.none")),
        headers=headers(coder, Prefer="count=exact"),
    )
    assert r.status_code == 200 and r.json() == [] and r.headers["content-range"] == "*/0"
    # the row cap: a larger limit is cut to it; a larger write is refused, and nothing is written
    capped = make_client(oxkair_rest_max_rows=2, oxkair_access_token_ttl=3600)
    r = capped.get(js("medical_notes", ("select", "mrn"), ("limit", "1000")), headers=headers(coder))
    assert r.status_code == 200 and len(r.json()) == 2
    r = capped.post(
        js("medical_notes", ("columns", '"mrn"')),
        content=json.dumps([{"mrn": f"CAP-{i}"} for i in range(3)]),
        headers=write_headers(coder),
    )
    error(r, 400, "PGRST124")
    one = make_client(oxkair_rest_max_rows=1, oxkair_access_token_ttl=3600)
    r = one.patch(
        js("medical_notes", ("mrn", "like.MRN-A*")),  # A1 and A2: A0 is with the provider
        content=json.dumps({"insurance_provider": "Cap"}),
        headers=write_headers(coder),
    )
    assert error(r, 400, "PGRST124")["details"] == "The query affects 2 rows"
    r = case_client.get(
        js("medical_notes", ("select", "mrn"), ("insurance_provider", "eq.Cap")), headers=headers(coder)
    )
    assert r.json() == []  # rolled back


def test_single_insert_and_logged_update(
    case_client: TestClient, tenants: dict[str, Tenant], server: LocalServer
) -> None:
    coder = tenants["A"].members["coder2"]
    # .insert({ mrn }).select('id, mrn').single()
    r = case_client.post(
        js("medical_notes", ("select", "id,mrn")),
        content=json.dumps({"mrn": "ONE"}),
        headers=write_headers(coder, "return=representation", Accept="application/vnd.pgrst.object+json"),
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["mrn"] == "ONE" and set(created) == {"id", "mrn"}
    r = case_client.patch(
        js("medical_notes", ("id", f"eq.{created['id']}"), ("select", "mrn")),
        content=json.dumps({"mrn": "ONE-B"}),
        headers=write_headers(coder, "return=representation"),
    )
    assert r.json() == [{"mrn": "ONE-B"}]
    entry = access_log(server, coder.id)[-1]
    assert entry["endpoint"] == "PATCH /rest/v1/medical_notes" and entry["row_ids"] == [created["id"]]
    # bulk rows that differ in keys: PGRST102 without columns=, refused with missing=default
    r = case_client.post(
        js("medical_notes"),
        content=json.dumps([{"mrn": "x"}, {"bedside_notes": "y"}]),
        headers=write_headers(coder),
    )
    error(r, 400, "PGRST102")
    r = case_client.post(
        js("medical_notes", ("columns", '"mrn","bedside_notes"')),
        content=json.dumps([{"mrn": "x"}, {"bedside_notes": "y"}]),
        headers=write_headers(coder, "missing=default"),
    )
    error(r, 400, "PGRST127")
    error(
        case_client.post(js("medical_notes"), content="{not json", headers=write_headers(coder)),
        400,
        "PGRST102",
    )


def test_rpc_get_and_shape(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    # supabase.rpc('search_institutions', { q, max_results: 5 }, { get: true }).select('name')
    r = case_client.get(
        "/rest/v1/rpc/search_institutions?"
        + urlencode([("q", tenants["B"].name[:14]), ("max_results", "5"), ("select", "name")]),
        headers=headers(None),
    )
    assert r.status_code == 200, r.text
    assert {"name": tenants["B"].name} in r.json()
    r = case_client.post(
        "/rest/v1/rpc/search_institutions?select=id&limit=1",
        content=json.dumps({"q": tenants["B"].name, "max_results": 3}),
        headers=write_headers(None),
    )
    assert r.status_code == 200 and len(r.json()) == 1 and set(r.json()[0]) == {"id"}


def test_nesting_is_bounded(case_client: TestClient, tenants: dict[str, Tenant]) -> None:
    coder = tenants["A"].members["coder"]
    deep = "mrn," + "institutions(profiles(" * 3 + "id" + "))" * 3
    error(case_client.get(js("medical_notes", ("select", deep)), headers=headers(coder)), 400, "PGRST100")
    error(
        case_client.get(
            js("medical_notes", ("select", "a(" * 5000 + "id" + ")" * 5000)), headers=headers(coder)
        ),
        400,
        "PGRST100",
    )
    error(
        case_client.get(
            js("medical_notes", ("or", "(" + "or(" * 5000 + "id.eq.1" + ")" * 5001)), headers=headers(coder)
        ),
        400,
        "PGRST100",
    )


@pytest.mark.parametrize(
    ("table", "row", "field"),
    [
        ("medical_notes", {"mrn": "x" * 201}, "mrn"),
        ("medical_notes", {"operative_notes": "a\x00b"}, "operative_notes"),
        ("medical_notes", {"summary_data": {"a": "x" * 300_000}}, "summary_data"),
        ("medical_notes", {"case_number": "; drop"}, "case_number"),
        ("user_settings", {"theme": "neon"}, "theme"),
        ("profiles", {"npi": "12"}, "npi"),
        ("profiles", {"last_name": None}, "last_name"),
    ],
)
def test_the_apis_value_rules_apply(
    case_client: TestClient, tenants: dict[str, Tenant], table: str, row: dict[str, Any], field: str
) -> None:
    """The limits of /cases and /me (lengths, JSON size, NUL, formats) hold through /rest/v1 too."""
    coder = tenants["A"].members["coder"]
    filters = ("id", f"eq.{coder.id}") if table != "medical_notes" else ("mrn", "eq.MRN-A1")
    r = case_client.patch(js(table, filters), content=json.dumps(row), headers=write_headers(coder))
    body = error(r, 400, "23514")
    assert body["details"].startswith(f"{field}: ")
    assert "x" * 50 not in r.text and "drop" not in r.text  # the value is never echoed


def test_more_operators_and_database_errors(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    cases: dict[str, list[dict[str, Any]]],
    server: LocalServer,
) -> None:
    coder = tenants["A"].members["coder"]

    def mrns(*params: tuple[str, str]) -> list[str]:
        r = case_client.get(
            js("medical_notes", ("select", "mrn"), *params, ("order", "mrn.asc")), headers=headers(coder)
        )
        assert r.status_code == 200, r.text
        return [row["mrn"] for row in r.json()]

    # .likeAnyOf('mrn', ['*A0', '*A2']), .match / imatch (regular expressions), isdistinct
    assert mrns(("mrn", "like(any).{*A0,*A2}")) == ["MRN-A0", "MRN-A2"]
    assert mrns(("mrn", "like(all).{MRN*,*1}")) == ["MRN-A1"]
    assert mrns(("mrn", "match.^MRN-A[12]$")) == ["MRN-A1", "MRN-A2"]
    assert mrns(("mrn", "imatch.^mrn-a0")) == ["MRN-A0"]
    assert mrns(("provider_user_id", f"isdistinct.{tenants['A'].members['provider'].id}")) == [
        "MRN-A1",
        "MRN-A2",
    ]
    assert mrns(("created_at", "gt.2000-01-01T00:00:00Z"), ("mrn", "eq.MRN-A2")) == ["MRN-A2"]
    # a malformed value is PostgreSQL's 22P02, relayed with PostgREST's status
    body = error(case_client.get(js("medical_notes", ("id", "eq.abc")), headers=headers(coder)), 400, "22P02")
    assert "uuid" in body["message"]
    # a duplicate case number: 409, and no details (PostgreSQL's would quote the row's values)
    r = case_client.post(
        js("medical_notes"),
        content=json.dumps({"case_number": cases["A"][1]["case_number"], "mrn": "dup"}),
        headers=write_headers(coder),
    )
    assert error(r, 409, "23505")["details"] is None
    # count=planned is answered exactly
    r = case_client.get(js("medical_notes", ("select", "id")), headers=headers(coder, Prefer="count=planned"))
    assert r.headers["content-range"] == "0-2/3"
    # a refused single object logs nothing
    before = len(access_log(server, coder.id))
    r = case_client.get(
        js("medical_notes", ("select", "id")),
        headers={**headers(coder), "Accept": "application/vnd.pgrst.object+json"},
    )
    error(r, 406, "PGRST116")
    assert len(access_log(server, coder.id)) == before


@pytest.mark.parametrize(
    ("method", "url", "extra", "status", "code"),
    [
        ("GET", js("medical_notes", ("mrn", "fts.appendix")), {}, 400, "PGRST100"),
        ("GET", js("medical_notes", ("billable_notes", "cs.{a}")), {}, 400, "PGRST100"),
        ("GET", js("medical_notes", ("select", "count()")), {}, 400, "PGRST200"),
        ("GET", js("medical_notes", ("select", "...institutions(name)")), {}, 400, "PGRST127"),
        ("GET", js("medical_notes"), {"Accept": "text/csv"}, 406, "PGRST107"),
        ("PUT", js("user_settings", ("id", "eq.x")), {}, 400, "PGRST127"),
        ("GET", "/rest/v1/", {}, 404, "PGRST126"),
        ("GET", "/rest/v1/rpc/pg_read_file", {}, 404, "PGRST202"),
        ("PATCH", js("medical_notes", ("mrn", "eq.x"), ("limit", "1")), {}, 400, "PGRST127"),
    ],
)
def test_not_offered(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    method: str,
    url: str,
    extra: dict[str, str],
    status: int,
    code: str,
) -> None:
    h = {**write_headers(tenants["A"].members["coder"]), **extra}
    error(case_client.request(method, url, headers=h, content="{}"), status, code)


def test_anonymous_rpc_spends_the_search_budget(make_client: Any, tenants: dict[str, Tenant]) -> None:
    client = make_client(oxkair_search_rate_per_ip=2)
    statuses = [
        client.post(
            "/rest/v1/rpc/search_institutions",
            content=json.dumps({"q": "tenant"}),
            headers=write_headers(None),
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_refused_queries_never_reach_the_database(api_settings: Settings) -> None:
    """With a pool that cannot give a connection, a request that got as far as SQL fails with 503;
    the injected and unknown names below are answered without one."""
    pool = make_pool(role_params(api_settings, "oxkair_api"), min_size=0, max_size=1)
    pool.close()
    app = create_app(api_settings, pool=pool)
    with TestClient(app, raise_server_exceptions=False) as client:
        control = client.get(js("medical_notes", ("select", "id")), headers={"apikey": APIKEY})
        error(control, 503, "PGRST000")  # this test can fail: a query that reaches SQL is seen
        for params, code in [
            ((("select", "id,(select password_hash from auth.users)"),), "PGRST100"),
            ((("select", "id"), ("order", "(select 1)")), "PGRST100"),
            ((("select", 'id,"secret"'),), "42703"),
            ((("select", "id"), ('mrn" OR 1=1 --', "eq.1")), "PGRST100"),
            ((("select", "id"), ("or", "(id.eq.1,(select 1).eq.1)")), "PGRST100"),
            ((("select", "id,auth.users(email)"),), "PGRST100"),
        ]:
            error(client.get(js("medical_notes", *params), headers={"apikey": APIKEY}), 400, code)
        r = client.post(
            js("medical_notes"), content=json.dumps({'mrn" = 1; --': 1}), headers=write_headers(None)
        )
        error(r, 400, "PGRST204")


def test_cors_for_configured_origins_only(
    make_client: Any, client: TestClient, tenants: dict[str, Tenant]
) -> None:
    coder = tenants["A"].members["coder"]
    preflight = {
        "Origin": "https://app.example.org",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "apikey, authorization, x-client-info, content-type, prefer,"
        " content-profile",
    }
    # default: no origin is allowed, nothing says otherwise
    r = client.options(js("medical_notes"), headers=preflight)
    assert "access-control-allow-origin" not in r.headers
    assert (
        "access-control-allow-origin"
        not in client.get(
            js("medical_notes"), headers=headers(coder) | {"Origin": "https://app.example.org"}
        ).headers
    )
    app = make_client(oxkair_cors_origins="https://app.example.org", oxkair_access_token_ttl=3600)
    r = app.options(js("medical_notes"), headers=preflight)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://app.example.org"
    assert "prefer" in r.headers["access-control-allow-headers"].lower()
    r = app.get(
        js("medical_notes", ("select", "id")),
        headers=headers(coder, Prefer="count=exact") | {"Origin": "https://app.example.org"},
    )
    assert r.headers["access-control-allow-origin"] == "https://app.example.org"
    assert "Content-Range" in r.headers["access-control-expose-headers"]
    # another origin, and our own API: no CORS
    r = app.options(js("medical_notes"), headers=preflight | {"Origin": "https://evil.example"})
    assert r.status_code == 400 and "access-control-allow-origin" not in r.headers
    r = app.get("/cases", headers=coder.auth | {"Origin": "https://app.example.org"})
    assert "access-control-allow-origin" not in r.headers


def test_a_providers_day_and_the_audit_trail(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    cases: dict[str, list[dict[str, Any]]],
    server: LocalServer,
) -> None:
    """The assigned provider edits the case under review through /rest/v1; the audit trail records
    the change as theirs, and the PHI access log their read; the other institution's provider and
    the creator (the case is not theirs to edit now) change nothing."""
    a, b = tenants["A"].members, tenants["B"].members
    case = cases["A"][0]  # with provider A for review
    url = js("medical_notes", ("id", f"eq.{case['id']}"), ("select", "id,bedside_notes,status"))
    for intruder in (b["provider"], a["provider2"], a["coder"]):
        r = case_client.patch(
            url,
            content=json.dumps({"bedside_notes": "tampered"}),
            headers=write_headers(intruder, "return=representation"),
        )
        assert r.status_code == 200 and r.json() == [], (intruder.category, r.text)
    r = case_client.patch(
        url,
        content=json.dumps({"bedside_notes": "reviewed"}),
        headers=write_headers(a["provider"], "return=representation"),
    )
    assert r.json() == [{"id": case["id"], "bedside_notes": "reviewed", "status": "PENDING_PROVIDER_REVIEW"}]
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        row = conn.execute(
            "SELECT action, actor_user_id::text, db_role FROM audit.log"
            " WHERE table_name = 'public.medical_notes' AND row_id = %s AND action = 'UPDATE'"
            " ORDER BY at DESC, seq DESC LIMIT 1",
            [case["id"]],
        ).fetchone()
        assert row == ("UPDATE", a["provider"].id, "oxkair_authenticated")
        notes = conn.execute(
            "SELECT bedside_notes FROM public.medical_notes WHERE id = %s", [case["id"]]
        ).fetchone()
        assert notes == ("reviewed",)
    assert access_log(server, a["provider"].id)[-1]["row_ids"] == [case["id"]]
    # their own profile and settings
    r = case_client.patch(
        js("profiles", ("id", f"eq.{a['provider'].id}"), ("select", "first_name,npi")),
        content=json.dumps({"npi": "1234567890"}),
        headers=write_headers(a["provider"], "return=representation"),
    )
    assert r.json() == [{"first_name": "ProviderA", "npi": "1234567890"}]
    r = case_client.patch(
        js("profiles", ("id", f"eq.{a['provider'].id}")),
        content=json.dumps({"user_category": "Medical Coder"}),
        headers=write_headers(a["provider"]),
    )
    error(r, 403, "42501")  # column grants: the category is fixed at signup
    r = case_client.post(
        js("user_settings", ("select", "theme")),
        content=json.dumps({"id": a["provider"].id, "theme": "dark"}),
        headers=write_headers(
            a["provider"], "return=representation", Accept="application/vnd.pgrst.object+json"
        ),
    )
    error(r, 409, "23505")  # signup made the row: a plain insert is a duplicate; an upsert is not
    r = case_client.post(
        js("user_settings", ("select", "theme"), ("on_conflict", "id")),
        content=json.dumps({"id": a["provider"].id, "theme": "dark"}),
        headers=write_headers(
            a["provider"],
            "resolution=merge-duplicates,return=representation",
            Accept="application/vnd.pgrst.object+json",
        ),
    )
    assert r.status_code == 201 and r.json() == {"theme": "dark"}


_VALUES = [
    "eq.MRN-A1",
    "in.(MRN-A0,MRN-A2)",
    "gt.2020-01-01",
    "is.null",
    "not.is.null",
    "like.*A*",
    "eq.abc",
    "gte.1",
    "isdistinct.x",
    "match.[",
    "imatch.^m",
    "like(any).{a,b}",
    "eq.{}",
    "in.()",
    "eq.\x01",
]
_KEYS = [
    "mrn",
    "id",
    "created_at",
    "status",
    "summary_data->>k",
    "summary_data->k",
    "billable_notes",
    "date_of_service",
    "institutions.name",
    "mrn::date",
    "summary_data::integer",
    "provider_user_id",
]
_SELECTS = [
    "*",
    "id,mrn",
    "id::text,institutions(*)",
    "x:summary_data->a->>b",
    "mrn::integer",
    "*,institutions!inner(id)",
    "billable_notes,ai_raw_output->0",
    "institutions(name,profiles(first_name))",
]


@hypothesis.settings(
    max_examples=80, deadline=None, suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture]
)
@hypothesis.given(
    select=st.sampled_from(_SELECTS),
    key=st.sampled_from(_KEYS),
    value=st.sampled_from(_VALUES),
    order=st.sampled_from(["", "mrn.desc", "institutions(name).asc", "summary_data->>k.nullsfirst"]),
    prefer=st.sampled_from(["", "count=exact"]),
)
def test_no_query_is_a_server_error(
    case_client: TestClient,
    tenants: dict[str, Tenant],
    select: str,
    key: str,
    value: str,
    order: str,
    prefer: str,
) -> None:
    """Whatever the combination, the database's refusal is relayed as a client error, never a 500."""
    params = [("select", select), (key, value)] + ([("order", order)] if order else [])
    r = case_client.get(
        js("medical_notes", *params), headers=headers(tenants["A"].members["coder"], Prefer=prefer)
    )
    assert r.status_code < 500, (params, r.text)
    if r.status_code >= 400:
        assert set(r.json()) == {"code", "message", "details", "hint"}
