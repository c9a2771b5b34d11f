"""Property: with random institutions, users, cases and operations, no role ever reads or
changes a row outside the access model (DESIGN.md), whatever it tries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import Connection

from tests.fixtures.data import make_case, make_institution, make_user
from tests.fixtures.db import acting_as

pytestmark = pytest.mark.slow

STATUSES = ["INCOMPLETE", "PENDING_CODER_REVIEW", "PENDING_PROVIDER_REVIEW", "PENDING_BILLING"]
FLOW = {("INCOMPLETE", "PENDING_CODER_REVIEW"), ("PENDING_CODER_REVIEW", "PENDING_PROVIDER_REVIEW"),
        ("PENDING_PROVIDER_REVIEW", "PENDING_BILLING"), ("PENDING_PROVIDER_REVIEW", "PENDING_CODER_REVIEW")}

# (category, institution, verified member): most users are verified members of their institution.
users_st = st.lists(st.tuples(st.sampled_from(["Provider", "Medical Coder", "Medical Coder", None]),
                              st.one_of(st.none(), st.integers(0, 1), st.integers(0, 1)),
                              st.sampled_from([True, True, True, False])),
                    min_size=2, max_size=6)
# A case's provider is drawn among the eligible providers of its creator's institution.
cases_st = st.lists(st.tuples(st.integers(0, 5), st.one_of(st.none(), st.integers(0, 5)),
                              st.sampled_from(STATUSES)), max_size=6)
# Actors: anonymous, a case's creator, a case's provider, or anyone; the last two may be unrelated.
actor_st = st.one_of(st.none(), st.tuples(st.sampled_from(["creator", "provider", "user"]),
                                          st.integers(0, 5)))
ops_st = st.lists(st.one_of(
    st.tuples(st.just("read_all"), actor_st),
    st.tuples(st.just("read_one"), actor_st, st.integers(0, 5)),
    st.tuples(st.just("edit"), actor_st, st.integers(0, 5)),
    st.tuples(st.just("transition"), actor_st, st.integers(0, 5), st.sampled_from(STATUSES),
              actor_st),
    st.tuples(st.just("profiles"), actor_st),
    st.tuples(st.just("providers"), actor_st),
), max_size=12)


@dataclass
class Case:
    id: UUID
    creator: UUID
    institution: UUID | None
    provider: UUID | None
    status: str
    notes: str | None = None


@dataclass
class Model:
    category: dict[UUID, str | None] = field(default_factory=dict)
    institution: dict[UUID, UUID | None] = field(default_factory=dict)
    member: dict[UUID, bool] = field(default_factory=dict)  # a verified member of their institution
    cases: list[Case] = field(default_factory=list)

    def visible(self, actor: UUID) -> set[UUID]:
        return {c.id for c in self.cases if actor in (c.creator, c.provider) and self.member[actor]
                and self.institution[actor] == c.institution}

    def editable(self, actor: UUID, case: Case) -> bool:
        return case.id in self.visible(actor) and (
            (actor == case.creator and case.status in ("INCOMPLETE", "PENDING_CODER_REVIEW"))
            or (actor == case.provider and case.status == "PENDING_PROVIDER_REVIEW"))

    def is_provider_of(self, user: UUID | None, institution: UUID | None) -> bool:
        return (user is not None and institution is not None and self.category[user] == "Provider"
                and self.institution[user] == institution and self.member[user])


def _build(conn: Connection[Any], users: list[Any], cases: list[Any]) -> tuple[Model, list[UUID]]:
    model = Model()
    insts = [make_institution(conn) for _ in range(2)]
    ids: list[UUID] = []
    for category, inst, verified in users:
        institution = insts[inst] if inst is not None else None
        uid = make_user(conn, category, institution, verified=verified)
        model.category[uid], model.institution[uid] = category, institution
        model.member[uid] = verified and institution is not None
        ids.append(uid)
    for creator_i, provider_i, status in cases:
        creator = ids[creator_i % len(ids)]
        if not model.member[creator]:
            continue  # the case invariants refuse a case by anyone else (tests/test_membership.py)
        inst = model.institution[creator]
        eligible = [u for u in ids if model.is_provider_of(u, inst)]
        provider = eligible[provider_i % len(eligible)] if provider_i is not None and eligible else None
        if status == "PENDING_PROVIDER_REVIEW" and provider is None:
            status = "PENDING_CODER_REVIEW"
        case_id = make_case(conn, creator, provider, status, notes="n")
        model.cases.append(Case(case_id, creator, inst, provider, status))
    return model, ids


def _run(conn: Connection[Any], actor: UUID | None, sql: str, params: Any = None) -> Any:
    try:
        with acting_as(conn, actor):
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else cur.rowcount
    except psycopg.Error:
        return "denied"


def _transition_allowed(model: Model, actor: UUID, case: Case, to: str, provider: UUID | None) -> bool:
    if to != case.status and (case.status, to) not in FLOW:
        return False
    if (provider is not None and provider != case.provider
            and not model.is_provider_of(provider, case.institution)):
        return False
    if to == "PENDING_PROVIDER_REVIEW" and provider is None:
        return False
    return actor in (case.creator, provider)  # WITH CHECK on the new row


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(users=users_st, cases=cases_st, ops=ops_st)
def test_no_role_acts_outside_the_access_model(su: Connection[Any], users: Any, cases: Any, ops: Any) -> None:
    with su.transaction(force_rollback=True):
        model, ids = _build(su, users, cases)

        def pick(spec: tuple[str, int] | None) -> UUID | None:
            if spec is None:
                return None
            who, i = spec
            if who != "user" and model.cases:
                case = model.cases[i % len(model.cases)]
                return case.creator if who == "creator" or case.provider is None else case.provider
            return ids[i % len(ids)]

        for op in ops:
            kind, actor = op[0], pick(op[1])
            case = model.cases[op[2] % len(model.cases)] if len(op) > 2 and model.cases else None
            if kind == "read_all":
                got = _run(su, actor, "SELECT id FROM public.medical_notes")
                assert got == "denied" if actor is None else {r[0] for r in got} == model.visible(actor)
            elif kind == "profiles":
                got = _run(su, actor, "SELECT id FROM public.profiles")
                assert got == ("denied" if actor is None else [(actor,)])
            elif kind == "providers":
                got = _run(su, actor, "SELECT id FROM public.institution_providers()")
                if actor is None:
                    assert got == "denied"
                else:
                    mine = model.institution[actor] if model.member[actor] else None
                    expected = {u for u in ids if model.is_provider_of(u, mine)}
                    assert {r[0] for r in got} == expected
            elif case is None:
                continue
            elif kind == "read_one":
                got = _run(su, actor, "SELECT id FROM public.medical_notes WHERE id = %s", [case.id])
                if actor is None:
                    assert got == "denied"
                else:
                    assert got == ([(case.id,)] if case.id in model.visible(actor) else [])
            elif kind == "edit":
                got = _run(su, actor, "UPDATE public.medical_notes SET progress_notes = 'e' WHERE id = %s",
                           [case.id])
                if actor is None:
                    assert got == "denied"
                else:
                    assert got == (1 if model.editable(actor, case) else 0)
                    if got == 1:
                        case.notes = "e"
            elif kind == "transition":
                to, provider = op[3], pick(op[4])
                got = _run(su, actor, "UPDATE public.medical_notes SET status = %s, provider_user_id = %s"
                           " WHERE id = %s", [to, provider, case.id])
                if actor is None:
                    assert got == "denied"
                elif not model.editable(actor, case):
                    assert got == 0
                elif _transition_allowed(model, actor, case, to, provider):
                    assert got == 1
                    case.status, case.provider = to, provider
                else:
                    assert got == "denied"
        # Whatever was tried, the rows are exactly what the model allowed.
        for case in model.cases:
            row = su.execute("SELECT status, provider_user_id, progress_notes FROM public.medical_notes"
                             " WHERE id = %s", [case.id]).fetchone()
            assert row == (case.status, case.provider, case.notes)
