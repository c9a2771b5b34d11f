"""The real supabase-js (pinned by tests/supabase_js/package-lock.json) against /rest/v1 on a live
uvicorn: a coder's and a provider's day of supabase.from()/rpc() calls, the other institution's
coder, then what the database's PHI access log recorded of the reads."""

from __future__ import annotations

import secrets
from typing import Any

import psycopg
import pytest

from oxkair.auth.anon_key import issue_anon_key
from oxkair.auth.keys import KeyStore
from oxkair.config import Settings
from tests.fixtures.api import PASSWORD
from tests.fixtures.cases import Tenant
from tests.test_supabase_js_auth import NODE, run_node


def _reads(superuser: psycopg.Connection[Any], user_id: str) -> list[dict[str, Any]]:
    rows = superuser.execute(
        "SELECT detail FROM audit.log WHERE action = 'READ' AND actor_user_id = %s"
        " AND table_name = 'public.medical_notes' ORDER BY at, seq",
        [user_id],
    ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.skipif(NODE is None, reason="node is not installed (scripts/setup.sh --dev installs it)")
def test_a_case_through_supabase_js_rest(
    live_url: str, api_settings: Settings, superuser: psycopg.Connection[Any], tenants: dict[str, Tenant]
) -> None:
    a, b = tenants["A"], tenants["B"]
    mrn = f"SBJS-{secrets.token_hex(4)}"
    env = {
        "SUPABASE_URL": live_url,
        "SUPABASE_ANON_KEY": issue_anon_key(KeyStore.from_settings(api_settings),
                                            api_settings.oxkair_jwt_issuer),
        "PASSWORD": PASSWORD,
        "MRN": mrn,
        "INSTITUTION_NAME": a.name,
        "CODER_EMAIL": a.members["coder"].email,
        "PROVIDER_EMAIL": a.members["provider"].email,
        "PROVIDER_ID": a.members["provider"].id,
        "OTHER_CODER_EMAIL": b.members["coder"].email,
    }
    steps = run_node("rest_day.mjs", env)
    by_name = {s["step"]: s for s in steps}
    assert list(by_name) == [
        "coder signIn", "insert", "select", "single", "update", "upsert", "search_institutions",
        "institution_providers", "to provider review", "provider approves", "other institution",
        "refreshSession", "signOut then anon",
    ]
    coder, provider = a.members["coder"], a.members["provider"]
    case_id = by_name["insert"]["id"]
    assert by_name["coder signIn"]["user_id"] == coder.id
    assert by_name["insert"]["user_id"] == coder.id and by_name["insert"]["status"] == "INCOMPLETE"
    assert by_name["select"] == {"step": "select", "count": 1, "ids": [case_id], "institution": a.name}
    assert by_name["single"]["id"] == case_id and by_name["single"]["maybe_none"] is None
    assert by_name["update"]["insurance_provider"] == "Aetna"
    assert by_name["upsert"]["theme"] == "dark"
    assert a.name in by_name["search_institutions"]["names"]
    assert provider.id in by_name["institution_providers"]["ids"]
    assert b.members["provider"].id not in by_name["institution_providers"]["ids"]
    assert by_name["to provider review"] == {
        "step": "to provider review", "status": "PENDING_PROVIDER_REVIEW", "provider_user_id": provider.id}
    assert by_name["provider approves"] == {
        "step": "provider approves", "read": case_id, "mrn_seen": True, "status": "PENDING_BILLING"}
    assert by_name["other institution"] == {
        "step": "other institution", "user_id": b.members["coder"].id, "count": 0, "rows": 0, "updated": 0}
    assert by_name["refreshSession"]["old_refused"] == "refresh_token_already_used"
    # signed out, supabase-js sends the anon key as bearer: oxkair_anon, no grant on the table
    assert by_name["signOut then anon"] == {
        "step": "signOut then anon", "rows": 0, "status": 401, "code": "42501"}

    # What the database made of it: the case as the provider left it, untouched by B's coder, and
    # every read of it in the PHI access log under the reader's id.
    row = superuser.execute(
        "SELECT status, provider_user_id::text, insurance_provider, user_id::text"
        " FROM public.medical_notes WHERE id = %s", [case_id]).fetchone()
    assert row == ("PENDING_BILLING", provider.id, "Aetna", coder.id)
    theme = superuser.execute("SELECT theme FROM public.user_settings WHERE id = %s", [coder.id])
    assert theme.fetchone() == ("dark",)
    coder_reads = [e for e in _reads(superuser, coder.id) if case_id in (e.get("row_ids") or [])]
    assert len(coder_reads) >= 4, coder_reads  # insert…select, the list, single, update…select
    assert all(e["endpoint"].endswith("/rest/v1/medical_notes") for e in coder_reads), coder_reads
    provider_reads = [e for e in _reads(superuser, provider.id) if case_id in (e.get("row_ids") or [])]
    assert len(provider_reads) >= 2, provider_reads  # the read, the approval's representation
    assert not [e for e in _reads(superuser, b.members["coder"].id) if case_id in (e.get("row_ids") or [])]
