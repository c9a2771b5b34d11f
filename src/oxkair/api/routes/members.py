"""/institution/members and /institution/admins: an institution's administrators approve or reject
the people who say they belong to it, and name other administrators (issue 12).

Every check is in the database (0005_baseline_membership.sql): the functions act as auth.uid()
within the caller's own verified institution only, answer OX403/OX404/OX422 (problem details),
and record each decision in the audit trail."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from oxkair.api.casework import PROBLEMS
from oxkair.api.deps import Db
from oxkair.api.models import MemberDecision, MemberPublic, NewAdmin

router = APIRouter(prefix="/institution", tags=["institution administrators"], responses=PROBLEMS)

MemberStatus = Literal["not verified", "verified", "rejected"]
_MEMBERS = ("SELECT id, name, email, user_category, verification_status, is_admin, created_at"
            " FROM public.institution_members(%s)")


def _member(db: Db, user_id: UUID) -> MemberPublic:
    with db.transaction() as conn:
        rows = conn.execute(_MEMBERS + " WHERE id = %s", [None, user_id]).fetchall()
    return MemberPublic.from_row(rows[0])


@router.get("/members", response_model=list[MemberPublic])
def members(db: Db, status: Annotated[MemberStatus | None, Query()] = None) -> list[MemberPublic]:
    """The members and applicants of the caller's institution, pending ones first (admins only)."""
    with db.transaction() as conn:
        rows = conn.execute(_MEMBERS, [status]).fetchall()
    return [MemberPublic.from_row(r) for r in rows]


@router.post("/members/{user_id}/decision", response_model=MemberPublic)
def decide(user_id: UUID, body: MemberDecision, db: Db) -> MemberPublic:
    """Approve (`verified`) or reject (`rejected`) a member of the caller's institution."""
    with db.transaction() as conn:
        conn.execute("SELECT public.decide_membership(%s, %s)", [user_id, body.decision])
    return _member(db, user_id)


@router.post("/admins", response_model=MemberPublic, status_code=201)
def add_admin(body: NewAdmin, db: Db) -> MemberPublic:
    """Name a verified member of the caller's institution an administrator too."""
    with db.transaction() as conn:
        conn.execute("SELECT public.add_institution_admin(%s)", [body.user_id])
    return _member(db, body.user_id)
