"""`oxkair migrate plan`: inspection and every dirty case of a Supabase-shaped source."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oxkair.migrate.conn import SourceSnapshot, source_params
from oxkair.migrate.plan import make_plan
from tests.fixtures.supabase import Source, oxkair

pytestmark = pytest.mark.slow

NO_HASH = ("no password hash (OAuth/SSO-only): signs in through a linked identity or resets "
           "the password")


def _plan(src: Source) -> Any:
    snapshot = SourceSnapshot(source_params(src.url))
    try:
        return make_plan(snapshot.leader)
    finally:
        snapshot.close()


def _reason(plan: Any, table: str, row_id: Any) -> tuple[str, str] | None:
    for f in plan.findings:
        if f.table == table and str(row_id) in f.ids:
            return f.kind, f.reason
    return None


def test_plan_inspects_tables_and_counts(supabase_source: Source) -> None:
    plan = _plan(supabase_source)
    infos = {t.name: t for t in plan.tables}
    assert infos["public.medical_notes"].rows == supabase_source.counts["public.medical_notes"]
    assert infos["auth.users"].exists and not infos["auth.users"].missing_columns
    assert infos["public.attestations"].rows == 5
    assert infos["public.medical_notes_with_lookup"].exists
    assert plan.blocking == []


def test_plan_finds_every_dirty_case(supabase_source: Source) -> None:
    plan = _plan(supabase_source)
    ids = supabase_source.ids
    q = "quarantine"
    expected = {
        ("auth.users", "dup_a"): (q, "email collides case-insensitively with 1 other user(s)"),
        ("auth.users", "dup_b"): (q, "email collides case-insensitively with 1 other user(s)"),
        ("auth.users", "anonymous"): (q, "user has no email address (anonymous or phone-only)"),
        ("public.profiles", "ambiguous_affiliation"): (q, "affiliated_institution matches 2 institutions"),
        ("public.profiles", "unknown_affiliation"): (q, "affiliated_institution matches no institution"),
        # Issue 12 / seed 2.1: institution_id wins; the conflict is flagged, not quarantined.
        ("public.profiles", "conflicting_affiliation"):
            ("flag", "affiliated_institution names another institution than institution_id: kept"
                     " institution_id, the text is in the archive"),
        ("public.profiles", "name_mismatch"): (q, "display name cannot be rebuilt from first_name/last_name"),
        ("public.profiles", "orphan_institution"): (q, "orphaned: institution_id matches no institution"),
        ("public.profiles", "bad_category"): (q, "user_category is outside the CHECK list"),
        ("public.profiles", "orphan_profile"): (q, "orphaned: no auth user with this id"),
        ("public.profiles", "dup_a"): (q, "its user is quarantined"),
        ("public.user_settings", "orphan_settings"): (q, "orphaned: no auth user with this id"),
        ("public.medical_notes", "bad_status"): (q, "status is outside the CHECK list"),
        ("public.medical_notes", "missing_case_number"): (q, "case_number is missing"),
        ("public.medical_notes", "blank_case_number"): (q, "case_number is missing"),
        ("public.medical_notes", "dup_case_1"): (q, "case_number is duplicated (2 cases)"),
        ("public.medical_notes", "dup_case_2"): (q, "case_number is duplicated (2 cases)"),
        ("public.medical_notes", "orphan_user"): (q, "orphaned: user_id matches no auth user"),
        ("public.medical_notes", "orphan_provider"):
            (q, "orphaned: provider_user_id matches no auth user"),
        ("public.medical_notes", "orphan_note_institution"):
            (q, "orphaned: institution_id matches no institution"),
        ("public.medical_notes", "provider_not_provider"):
            (q, "the assigned provider is not a Provider of the case's institution"),
        ("public.medical_notes", "provider_other_institution"):
            (q, "the assigned provider is not a Provider of the case's institution"),
        ("public.medical_notes", "wrong_institution"):
            (q, "institution_id differs from its creator's institution"),
        ("public.medical_notes", "pending_without_provider"):
            (q, "pending provider review without an assigned provider"),
        ("public.medical_notes", "creator_quarantined"): (q, "its creator is quarantined"),
        ("auth.users", "oauth_user"): ("flag", NO_HASH),
        ("auth.users", "sso_null_pw"): ("flag", NO_HASH),
        ("auth.users", "fbscrypt"): ("flag", "Firebase scrypt hash cannot be kept: password reset required"),
        ("auth.users", "envelope"):
            ("flag", "encrypted password envelope (GoTrue at-rest encryption) cannot be kept: "
                     "password reset required"),
    }
    for (table, key), want in expected.items():
        assert _reason(plan, table, ids[key]) == want, (table, key)
    for table, key in [("auth.users", "argon2"), ("auth.users", "bcrypt_2y"), ("auth.users", "deleted"),
                       ("public.profiles", "link_by_name"), ("public.profiles", "no_institution"),
                       ("public.medical_notes", "fills_institution"), ("public.profiles", "name_only"),
                       ("public.medical_notes", "creator_profile_quarantined"),
                       ("public.medical_notes", "linked_creator")]:
        assert _reason(plan, table, ids[key]) is None, (table, key)
    # The clean bulk of the data has no problem at all.
    assert all(_reason(plan, "auth.users", c) is None for c in ids["coders"])


def test_plan_cli_json_and_exit_code(supabase_source: Source, cli_env: dict[str, str]) -> None:
    done = oxkair(cli_env, "migrate", "plan", "--source", supabase_source.url, "--json")
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    assert report["would_quarantine"] > 0
    assert {"table", "kind", "reason", "count", "examples"} <= set(report["problems"][0])
    # No row values in the report: ids and reasons only.
    assert "Pat" not in done.stdout and "op note" not in done.stdout
    table = oxkair(cli_env, "migrate", "plan", "--source", supabase_source.url)
    assert table.returncode == 3
    assert "duplicated" in table.stdout
