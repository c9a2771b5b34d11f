"""The case invariants during the data migration's bulk load (0052): a statement-level check
instead of the row trigger, for the migrator only, refusing exactly what the row trigger refuses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import Connection, sql

from tests.fixtures.data import make_institution, make_user
from tests.fixtures.db import acting_as

COLUMNS = ("id", "user_id", "provider_user_id", "status", "case_number", "mrn", "institution_id")


@dataclass(frozen=True)
class World:
    inst_a: UUID
    inst_b: UUID
    coder_a: UUID
    other_coder_a: UUID
    provider_a: UUID
    provider_b: UUID
    pending_coder_a: UUID
    pending_provider_a: UUID


@pytest.fixture()
def world(su: Connection[Any]) -> World:
    a, b = make_institution(su), make_institution(su)
    return World(a, b, make_user(su, "Medical Coder", a), make_user(su, "Medical Coder", a),
                 make_user(su, "Provider", a), make_user(su, "Provider", b),
                 make_user(su, "Medical Coder", a, verified=False),
                 make_user(su, "Provider", a, verified=False))


def case(user_id: UUID, institution_id: UUID | None, provider: UUID | None = None,
         status: str = "INCOMPLETE") -> dict[str, Any]:
    n = uuid.uuid4()
    return {"id": n, "user_id": user_id, "provider_user_id": provider, "status": status,
            "case_number": f"BULK-{n.hex[:12]}", "mrn": "MRN-BULK", "institution_id": institution_id}


def insert_as_migrator(su: Connection[Any], rows: list[dict[str, Any]], *, bulk: bool) -> str | None:
    """One INSERT of `rows` as oxkair_migrator, in the bulk load or not; the name of the
    constraint that refused it, or None."""
    statement = sql.SQL("INSERT INTO public.medical_notes ({}) VALUES {}").format(
        sql.SQL(", ").join(map(sql.Identifier, COLUMNS)),
        sql.SQL(", ").join(sql.SQL("({})").format(sql.SQL(", ").join(sql.Placeholder() * len(COLUMNS)))
                           for _ in rows))
    try:
        with su.transaction():
            su.execute("SELECT set_config('oxkair.bulk_load', %s, true)", ["on" if bulk else "off"])
            su.execute("SET LOCAL ROLE oxkair_migrator")
            su.execute(statement, [row[c] for row in rows for c in COLUMNS])
            su.execute("RESET ROLE")
    except psycopg.errors.CheckViolation as exc:
        return exc.diag.constraint_name
    finally:
        su.execute("SELECT set_config('oxkair.bulk_load', 'off', true)")
    return None


BAD: dict[str, Callable[[World], dict[str, Any]]] = {
    "another institution's case": lambda w: case(w.coder_a, w.inst_b),
    "a provider of another institution": lambda w: case(w.coder_a, w.inst_a, w.provider_b,
                                                        "PENDING_PROVIDER_REVIEW"),
    "a coder as the provider": lambda w: case(w.coder_a, w.inst_a, w.other_coder_a,
                                              "PENDING_PROVIDER_REVIEW"),
    "provider review without a provider": lambda w: case(w.coder_a, w.inst_a, None,
                                                         "PENDING_PROVIDER_REVIEW"),
    "an unverified creator": lambda w: case(w.pending_coder_a, w.inst_a),
    "an unverified provider": lambda w: case(w.coder_a, w.inst_a, w.pending_provider_a,
                                             "PENDING_PROVIDER_REVIEW"),
}


@pytest.mark.parametrize("name", BAD)
def test_bulk_load_refuses_what_the_row_trigger_refuses(su: Connection[Any], world: World, name: str) -> None:
    bad = BAD[name](world)
    by_row = insert_as_migrator(su, [bad], bulk=False)
    assert by_row is not None
    # Among good cases, in one statement: the whole statement is refused, for the same reason.
    rows = [case(world.coder_a, world.inst_a), bad, case(world.coder_a, world.inst_a, world.provider_a)]
    assert insert_as_migrator(su, rows, bulk=True) == by_row
    ids = [r["id"] for r in rows]
    stored = su.execute("SELECT count(*) FROM public.medical_notes WHERE id = ANY(%s)", [ids]).fetchone()
    assert stored == (0,)


def test_bulk_load_takes_good_cases(su: Connection[Any], world: World) -> None:
    rows = [case(world.coder_a, world.inst_a), case(world.coder_a, world.inst_a, world.provider_a),
            case(world.coder_a, world.inst_a, world.provider_a, "PENDING_PROVIDER_REVIEW")]
    assert insert_as_migrator(su, rows, bulk=True) is None
    got = su.execute("SELECT count(*) FROM public.medical_notes WHERE id = ANY(%s) AND institution_id = %s",
                     [[r["id"] for r in rows], world.inst_a]).fetchone()
    assert got == (3,)


def test_bulk_load_fails_closed_on_an_institution_left_unfilled(su: Connection[Any], world: World) -> None:
    """The row trigger fills a missing institution from the creator's; the bulk load must fill it
    itself (load_medical_notes.sql), and a case it leaves without one is refused, not stored."""
    unfilled = case(world.coder_a, None)
    assert insert_as_migrator(su, [unfilled], bulk=False) is None  # the row trigger filled it
    assert su.execute("SELECT institution_id FROM public.medical_notes WHERE id = %s",
                      [unfilled["id"]]).fetchone() == (world.inst_a,)
    assert insert_as_migrator(su, [case(world.coder_a, None)], bulk=True) == \
        "medical_notes_institution_is_creators"


def test_the_setting_alone_does_not_skip_the_row_trigger(su: Connection[Any], world: World) -> None:
    """A user who sets oxkair.bulk_load is not the migrator: the row trigger still fills and refuses."""
    with acting_as(su, world.coder_a):
        su.execute("SELECT set_config('oxkair.bulk_load', 'on', true)")
        row = su.execute("INSERT INTO public.medical_notes (user_id, case_number, mrn)"
                         " VALUES (%s, %s, 'M') RETURNING institution_id",
                         [world.coder_a, f"SET-{uuid.uuid4().hex[:10]}"]).fetchone()
        assert row == (world.inst_a,)
        with pytest.raises(psycopg.errors.CheckViolation) as refused, su.transaction():
            su.execute("INSERT INTO public.medical_notes (user_id, case_number, mrn, institution_id)"
                       " VALUES (%s, %s, 'M', %s)",
                       [world.coder_a, f"SET-{uuid.uuid4().hex[:10]}", world.inst_b])
        assert refused.value.diag.message_primary == "a case belongs to its creator's institution"
        su.execute("SELECT set_config('oxkair.bulk_load', 'off', true)")


def test_updates_keep_the_row_trigger_in_the_bulk_load(su: Connection[Any], world: World) -> None:
    """Only INSERTs are checked per statement; an UPDATE is checked per row whoever makes it."""
    c = case(world.coder_a, world.inst_a)
    assert insert_as_migrator(su, [c], bulk=True) is None
    su.execute("SELECT set_config('oxkair.bulk_load', 'on', true)")
    with pytest.raises(psycopg.errors.CheckViolation) as refused, su.transaction():
        su.execute("UPDATE public.medical_notes SET status = 'PENDING_BILLING' WHERE id = %s", [c["id"]])
    assert refused.value.diag.constraint_name == "medical_notes_status_flow"
