"""Row-level security from the attacker's side: every rule tried as the real roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import Connection

from oxkair.compliance import PHI_TABLES
from tests.fixtures.data import make_case, make_institution, make_user
from tests.fixtures.db import acting_as

USER_DATA_TABLES = set(PHI_TABLES)  # the one list (oxkair.compliance.model)


@dataclass
class World:
    inst_a: UUID
    inst_b: UUID
    coder: UUID            # creator of the cases
    coder_peer: UUID       # another coder of institution A
    provider: UUID         # assigned provider (institution A)
    provider_peer: UUID    # a provider of A not assigned
    coder_b: UUID          # institution B
    provider_b: UUID
    case_pcr: UUID         # PENDING_CODER_REVIEW, provider assigned
    case_ppr: UUID         # PENDING_PROVIDER_REVIEW
    case_b: UUID           # institution B's case


@pytest.fixture()
def world(su: Connection[Any]) -> World:
    a = make_institution(su, "Alpha Hospital", ["alpha.org"])
    b = make_institution(su, "Beta Clinic", ["beta.org"])
    coder = make_user(su, "Medical Coder", a)
    provider = make_user(su, "Provider", a)
    coder_b = make_user(su, "Medical Coder", b)
    provider_b = make_user(su, "Provider", b)
    return World(
        inst_a=a, inst_b=b, coder=coder, coder_peer=make_user(su, "Medical Coder", a),
        provider=provider, provider_peer=make_user(su, "Provider", a),
        coder_b=coder_b, provider_b=provider_b,
        case_pcr=make_case(su, coder, provider, "PENDING_CODER_REVIEW"),
        case_ppr=make_case(su, coder, provider, "PENDING_PROVIDER_REVIEW"),
        case_b=make_case(su, coder_b, provider_b, "PENDING_PROVIDER_REVIEW"),
    )


def attempt(conn: Connection[Any], user: UUID | None, sql: str, params: Any = None) -> Any:
    """Run one statement as `user` (None: anonymous): ('ok', rows|rowcount) or ('denied', SQLSTATE)."""
    try:
        with acting_as(conn, user):
            cur = conn.execute(sql, params)
            return ("ok", cur.fetchall() if cur.description else cur.rowcount)
    except psycopg.Error as exc:
        return ("denied", exc.sqlstate)


def relation(world: World, name: str) -> UUID | None:
    return None if name == "anonymous" else getattr(world, name)


# ───────────────────────────────────────────────────────────── coverage of RLS itself
def test_rls_is_on_for_every_table_the_api_roles_can_reach(su: Connection[Any]) -> None:
    rows = su.execute(
        """
        SELECT c.relnamespace::regnamespace || '.' || c.relname, c.relrowsecurity, c.relforcerowsecurity
          FROM pg_class c
         WHERE c.relkind IN ('r', 'p', 'v', 'm')
           AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
           AND EXISTS (SELECT FROM unnest(ARRAY['oxkair_authenticated', 'oxkair_anon', 'oxkair_api',
                                                'oxkair_break_glass']) r
                        WHERE has_table_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE'))
        """
    ).fetchall()
    reachable = {r[0]: (r[1], r[2]) for r in rows}
    assert set(reachable) == {"public.profiles", "public.user_settings", "public.medical_notes"}
    assert all(enabled and forced for enabled, forced in reachable.values())
    forced = {r[0] for r in su.execute(
        "SELECT relnamespace::regnamespace || '.' || relname FROM pg_class"
        " WHERE relrowsecurity AND relforcerowsecurity")}
    assert USER_DATA_TABLES <= forced


def test_nothing_is_granted_to_public(su: Connection[Any]) -> None:
    rows = su.execute(
        """
        SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
               aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) acl
         WHERE n.nspname IN ('public', 'auth', 'audit', 'app') AND acl.grantee = 0
        UNION ALL
        SELECT p.oid::regprocedure::text FROM pg_proc p,
               aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
         WHERE p.pronamespace IN ('public'::regnamespace, 'auth'::regnamespace,
                                  'audit'::regnamespace, 'app'::regnamespace) AND acl.grantee = 0
        UNION ALL
        SELECT n.nspname FROM pg_namespace n, aclexplode(n.nspacl) acl
         WHERE n.nspname IN ('public', 'auth', 'audit', 'app', 'extensions') AND acl.grantee = 0
        """
    ).fetchall()
    assert rows == []


def test_api_login_holds_no_privilege_of_its_own(login: Any) -> None:
    with login("oxkair_api") as conn:
        for table in ("public.medical_notes", "public.profiles", "auth.users", "audit.log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SET ROLE oxkair_owner")


# ───────────────────────────────────────────────────────────── medical_notes
READERS = {"coder": True, "provider": True, "coder_peer": False, "provider_peer": False,
           "coder_b": False, "provider_b": False, "anonymous": False}


@pytest.mark.parametrize("who", sorted(READERS))
def test_case_read(su: Connection[Any], world: World, who: str) -> None:
    by_id = attempt(su, relation(world, who), "SELECT id FROM public.medical_notes WHERE id = %s",
                    [world.case_pcr])
    listed = attempt(su, relation(world, who), "SELECT id FROM public.medical_notes")
    if who == "anonymous":
        assert by_id == ("denied", "42501") and listed == ("denied", "42501")
    elif READERS[who]:
        assert by_id == ("ok", [(world.case_pcr,)])
        assert {r[0] for r in listed[1]} == {world.case_pcr, world.case_ppr}
    else:
        assert by_id == ("ok", [])
        assert world.case_pcr not in {r[0] for r in listed[1]}


# status -> who may edit the case's notes
EDITORS = {
    "PENDING_CODER_REVIEW": {"coder"},
    "PENDING_PROVIDER_REVIEW": {"provider"},
}


@pytest.mark.parametrize("status", sorted(EDITORS))
@pytest.mark.parametrize("who", sorted(READERS))
def test_case_update(su: Connection[Any], world: World, status: str, who: str) -> None:
    case = world.case_pcr if status == "PENDING_CODER_REVIEW" else world.case_ppr
    result = attempt(su, relation(world, who),
                     "UPDATE public.medical_notes SET progress_notes = 'edited' WHERE id = %s", [case])
    if who == "anonymous":
        assert result == ("denied", "42501")
    else:
        assert result == ("ok", 1 if who in EDITORS[status] else 0)
    after = su.execute("SELECT progress_notes FROM public.medical_notes WHERE id = %s", [case]).fetchone()
    assert after == (("edited",) if who in EDITORS[status] else (None,))


@pytest.mark.parametrize("who", sorted(READERS))
def test_nobody_deletes_cases(su: Connection[Any], world: World, who: str) -> None:
    result = attempt(su, relation(world, who), "DELETE FROM public.medical_notes WHERE id = %s",
                     [world.case_pcr])
    assert result == ("denied", "42501")


@pytest.mark.parametrize("column, value", [("user_id", "coder_peer"), ("institution_id", "inst_b"),
                                           ("case_number", None), ("created_at", None)])
def test_immutable_case_columns(su: Connection[Any], world: World, column: str, value: Any) -> None:
    new = getattr(world, value) if value else ("X-1" if column == "case_number" else "2000-01-01")
    result = attempt(su, world.coder, f"UPDATE public.medical_notes SET {column} = %s WHERE id = %s",
                     [new, world.case_pcr])
    assert result == ("denied", "42501")


INSERT = ("INSERT INTO public.medical_notes (user_id, case_number, status, institution_id)"
          " VALUES (%s, %s, %s, %s) RETURNING institution_id")


def test_coder_creates_a_case_in_their_institution(su: Connection[Any], world: World) -> None:
    result = attempt(su, world.coder, INSERT, [world.coder, "NEW-1", "INCOMPLETE", None])
    assert result == ("ok", [(world.inst_a,)])


@pytest.mark.parametrize("who, owner, status, institution, sqlstate", [
    ("coder", "coder_peer", "INCOMPLETE", None, "42501"),           # for someone else
    ("coder", "coder", "PENDING_BILLING", None, "42501"),          # skipping the flow
    ("coder", "coder", "INCOMPLETE", "inst_b", "23514"),           # another institution
    ("provider", "provider", "INCOMPLETE", None, "42501"),         # providers do not create cases
    ("anonymous", "coder", "INCOMPLETE", None, "42501"),
])
def test_case_inserts_outside_the_model_are_refused(su: Connection[Any], world: World, who: str,
                                                    owner: str, status: str, institution: str | None,
                                                    sqlstate: str) -> None:
    params = [getattr(world, owner), "NEW-2", status, getattr(world, institution) if institution else None]
    assert attempt(su, relation(world, who), INSERT, params) == ("denied", sqlstate)


TRANSITION = "UPDATE public.medical_notes SET status = %s, provider_user_id = %s WHERE id = %s"


@pytest.mark.parametrize("who, case, to, provider, expected", [
    ("coder", "case_pcr", "PENDING_PROVIDER_REVIEW", "provider", ("ok", 1)),
    ("coder", "case_pcr", "PENDING_PROVIDER_REVIEW", "provider_peer", ("ok", 1)),
    ("coder", "case_pcr", "PENDING_PROVIDER_REVIEW", "provider_b", ("denied", "23514")),
    ("coder", "case_pcr", "PENDING_PROVIDER_REVIEW", "coder_peer", ("denied", "23514")),
    ("coder", "case_pcr", "PENDING_PROVIDER_REVIEW", None, ("denied", "23514")),
    ("coder", "case_pcr", "PENDING_BILLING", "provider", ("denied", "23514")),
    ("coder", "case_pcr", "INCOMPLETE", "provider", ("denied", "23514")),
    ("coder", "case_ppr", "PENDING_BILLING", "provider", ("ok", 0)),      # not the coder's turn
    ("provider", "case_ppr", "PENDING_BILLING", "provider", ("ok", 1)),
    ("provider", "case_ppr", "PENDING_CODER_REVIEW", "provider", ("ok", 1)),
    ("provider", "case_ppr", "PENDING_PROVIDER_REVIEW", "provider_peer", ("denied", "42501")),
    ("provider", "case_ppr", "INCOMPLETE", "provider", ("denied", "23514")),
    ("provider_peer", "case_ppr", "PENDING_BILLING", "provider", ("ok", 0)),
    ("provider_b", "case_ppr", "PENDING_BILLING", "provider", ("ok", 0)),
    ("provider", "case_pcr", "PENDING_PROVIDER_REVIEW", "provider", ("ok", 0)),
])
def test_status_flow(su: Connection[Any], world: World, who: str, case: str, to: str,
                     provider: str | None, expected: tuple[str, Any]) -> None:
    params = [to, getattr(world, provider) if provider else None, getattr(world, case)]
    assert attempt(su, relation(world, who), TRANSITION, params) == expected


def test_billing_is_final_for_everyone_in_the_api(su: Connection[Any], world: World) -> None:
    assert attempt(su, world.provider, TRANSITION,
                   ["PENDING_BILLING", world.provider, world.case_ppr]) == ("ok", 1)
    for who in (world.coder, world.provider):
        assert attempt(su, who, "UPDATE public.medical_notes SET mrn = 'x' WHERE id = %s",
                       [world.case_ppr]) == ("ok", 0)


def test_invariants_hold_for_privileged_writers_too(su: Connection[Any], world: World) -> None:
    """The triggers, not only the policies: even the superuser cannot break the case invariants."""
    with pytest.raises(psycopg.errors.CheckViolation, match="provider"), su.transaction():
        su.execute("UPDATE public.medical_notes SET provider_user_id = %s WHERE id = %s",
                   [world.provider_b, world.case_pcr])
    with pytest.raises(psycopg.errors.CheckViolation, match="status"), su.transaction():
        su.execute("UPDATE public.medical_notes SET status = 'INCOMPLETE' WHERE id = %s", [world.case_ppr])


# ───────────────────────────────────────────────────────────── profiles and settings
@pytest.mark.parametrize("who", sorted(READERS))
def test_profile_read_own_only(su: Connection[Any], world: World, who: str) -> None:
    user = relation(world, who)
    result = attempt(su, user, "SELECT id FROM public.profiles")
    if user is None:
        assert result == ("denied", "42501")
    else:
        assert result == ("ok", [(user,)])


def test_providers_of_own_institution_only_id_and_name(su: Connection[Any], world: World) -> None:
    status, rows = attempt(su, world.coder, "SELECT * FROM public.institution_providers()")
    assert status == "ok"
    assert {r[0] for r in rows} == {world.provider, world.provider_peer}
    assert all(len(r) == 3 and r[2] == "Provider" for r in rows)
    status, rows = attempt(su, world.coder_b, "SELECT id FROM public.institution_providers()")
    assert {r[0] for r in rows} == {world.provider_b}
    assert attempt(su, None, "SELECT * FROM public.institution_providers()") == ("denied", "42501")


def test_profile_update_own_names_but_not_institution_or_category(su: Connection[Any], world: World) -> None:
    assert attempt(su, world.coder, "UPDATE public.profiles SET first_name = 'Zed' WHERE id = %s",
                   [world.coder]) == ("ok", 1)
    assert attempt(su, world.coder, "UPDATE public.profiles SET first_name = 'Zed' WHERE id = %s",
                   [world.coder_peer]) == ("ok", 0)
    for column, value in (("institution_id", world.inst_b), ("user_category", "Provider"),
                          ("verification_status", "verified")):
        assert attempt(su, world.coder, f"UPDATE public.profiles SET {column} = %s WHERE id = %s",
                       [value, world.coder]) == ("denied", "42501")
    assert attempt(su, world.coder, "DELETE FROM public.profiles WHERE id = %s",
                   [world.coder]) == ("denied", "42501")
    assert attempt(su, world.coder, "INSERT INTO public.profiles (id) VALUES (%s)",
                   [world.coder_peer]) == ("denied", "42501")


def test_settings_own_row_only(su: Connection[Any], world: World) -> None:
    assert attempt(su, world.coder, "SELECT id FROM public.user_settings") == ("ok", [(world.coder,)])
    assert attempt(su, world.coder, "UPDATE public.user_settings SET theme = 'dark' WHERE id = %s",
                   [world.coder]) == ("ok", 1)
    assert attempt(su, world.coder, "UPDATE public.user_settings SET theme = 'dark'") == ("ok", 1)
    su.execute("DELETE FROM public.user_settings WHERE id = %s", [world.coder_peer])
    assert attempt(su, world.coder, "INSERT INTO public.user_settings (id) VALUES (%s)",
                   [world.coder_peer]) == ("denied", "42501")
    assert attempt(su, world.coder_peer, "INSERT INTO public.user_settings (id) VALUES (%s)",
                   [world.coder_peer]) == ("ok", 1)
    assert attempt(su, None, "SELECT * FROM public.user_settings") == ("denied", "42501")


# ───────────────────────────────────────────────────────────── institutions, auth, audit
@pytest.mark.parametrize("who", ["coder", "anonymous"])
def test_institutions_only_through_search_and_suggest(su: Connection[Any], world: World, who: str) -> None:
    user = relation(world, who)
    assert attempt(su, user, "SELECT email_domains FROM public.institutions") == ("denied", "42501")
    status, rows = attempt(su, user, "SELECT id, name FROM public.search_institutions('alpha hosp')")
    assert status == "ok" and rows[0] == (world.inst_a, "Alpha Hospital")
    status, rows = attempt(su, user, "SELECT * FROM public.suggest_institutions('jane@alpha.org')")
    assert status == "ok" and rows == [(world.inst_a, "Alpha Hospital")]


def test_search_is_accent_case_and_typo_insensitive(su: Connection[Any]) -> None:
    inst = make_institution(su, "Hôpital Saint-Éloi", ["chu-montpellier.fr"])
    for query in ("hopital saint", "HÔPITAL", "hoptal saint eloi", "saint-eloi"):
        status, rows = attempt(su, None, "SELECT id FROM public.search_institutions(%s)", [query])
        assert status == "ok" and (inst,) in rows, query
    status, rows = attempt(su, None, "SELECT * FROM public.suggest_institutions('a@mail.chu-montpellier.fr')")
    assert rows == [(inst, "Hôpital Saint-Éloi")]


@pytest.mark.parametrize("who", ["coder", "anonymous"])
def test_auth_users_are_unreachable(su: Connection[Any], world: World, who: str) -> None:
    user = relation(world, who)
    assert attempt(su, user, "SELECT email FROM auth.users") == ("denied", "42501")
    assert attempt(su, user, "UPDATE auth.users SET email = 'x@y.z'") == ("denied", "42501")


@pytest.mark.parametrize("statement", ["SELECT * FROM audit.log", "DELETE FROM audit.log",
                                       "UPDATE audit.log SET action = 'x'", "TRUNCATE audit.log",
                                       "UPDATE audit.chain_head SET seq = 0"])
def test_end_users_cannot_touch_the_audit_trail(su: Connection[Any], world: World, statement: str) -> None:
    assert attempt(su, world.coder, statement) == ("denied", "42501")


def test_break_glass_reads_every_case_and_each_read_is_audited(su: Connection[Any], world: World) -> None:
    su.execute("SELECT set_config('oxkair.break_glass_reason', 'ED patient unconscious', true)")
    with su.transaction():
        su.execute("SET LOCAL ROLE oxkair_break_glass")
        rows = su.execute("SELECT id FROM public.medical_notes WHERE id = %s", [world.case_b]).fetchall()
        su.execute("RESET ROLE")
    assert rows == [(world.case_b,)]
    entry = su.execute(
        "SELECT db_role, detail->>'reason' FROM audit.log WHERE action = 'BREAK_GLASS_READ'"
        " AND row_id = %s", [str(world.case_b)]).fetchall()
    assert entry == [("oxkair_break_glass", "ED patient unconscious")]
    disabled = su.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'oxkair_break_glass'").fetchone()
    assert disabled == (False,)
