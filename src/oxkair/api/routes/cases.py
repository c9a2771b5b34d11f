"""/cases: create, worklist (keyset pages), fetch, edit, status transitions; every read is logged."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import psycopg
from fastapi import APIRouter, Query, Request
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oxkair.api.casework import PROBLEMS, log_access
from oxkair.api.deps import ConnDep
from oxkair.api.models import (
    CASE_COLUMNS,
    JSON_FIELDS,
    SUMMARY_COLUMNS,
    CaseCreate,
    CaseList,
    CasePublic,
    CaseTransition,
    CaseUpdate,
    Status,
    WorkflowStatus,
)
from oxkair.api.problems import Problem

router = APIRouter(prefix="/cases", tags=["cases"], responses=PROBLEMS)

NOT_FOUND = "no such case"
_CASE = sql.SQL(", ").join(sql.Identifier(c) for c in CASE_COLUMNS)
_SUMMARY = sql.SQL(", ").join(sql.Identifier(c) for c in SUMMARY_COLUMNS)

# The invariant triggers' constraint names → what the client is told.
_RULES: dict[str, tuple[int, str]] = {
    "medical_notes_status_flow": (409, "the case cannot move to that status from its current one"),
    "medical_notes_provider_in_institution": (422, "the provider is not a Provider of your institution"),
    "medical_notes_provider_required": (422, "sending a case to provider review needs provider_user_id"),
    "medical_notes_institution_is_creators": (422, "a case belongs to its creator's institution"),
}


@contextmanager
def _rules() -> Iterator[None]:
    """Database refusals of a case write as specific problems (no PHI: fixed messages)."""
    try:
        yield
    except psycopg.errors.CheckViolation as exc:
        status, detail = _RULES.get(exc.diag.constraint_name or "", (422, "the request breaks a rule"))
        raise Problem(status, detail) from exc
    except psycopg.errors.UniqueViolation as exc:
        raise Problem(409, "a case with this case_number already exists") from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise Problem(403, "your account cannot do this to a case") from exc


def _values(body: CaseCreate | CaseUpdate) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)
    for name in JSON_FIELDS:
        if values.get(name) is not None:
            values[name] = Jsonb(values[name])
    return values


def _fetch(conn: ConnDep, case_id: UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            sql.SQL("SELECT {} FROM public.medical_notes WHERE id = %s").format(_CASE), [case_id]
        ).fetchone()


def _visible(conn: ConnDep, case_id: UUID) -> bool:
    return conn.execute("SELECT 1 FROM public.medical_notes WHERE id = %s", [case_id]).fetchone() is not None


def _answer(conn: ConnDep, request: Request, row: dict[str, Any] | None) -> CasePublic:
    if row is None:
        raise Problem(404, NOT_FOUND)
    log_access(conn, request, [str(row["id"])])
    return CasePublic(**row)


@router.post("", status_code=201, response_model=CasePublic)
def create_case(body: CaseCreate, conn: ConnDep, request: Request) -> CasePublic:
    """A new case of the caller (a Medical Coder) in their institution; case_number generated
    when not given."""
    values = _values(body)
    number = values.pop("case_number", None)
    names = [sql.Identifier(n) for n in values]
    statement = sql.SQL(
        "INSERT INTO public.medical_notes (user_id, case_number{sep}{names})"
        " VALUES ((SELECT auth.uid()), coalesce(%s, public.next_case_number()){sep}{params})"
        " RETURNING {cols}"
    ).format(
        sep=sql.SQL(", " if values else ""),
        names=sql.SQL(", ").join(names),
        params=sql.SQL(", ").join(sql.Placeholder() * len(values)),
        cols=_CASE,
    )
    with _rules(), conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(statement, [number, *values.values()]).fetchone()
    return _answer(conn, request, row)


def encode_cursor(created_at: datetime | None, case_id: UUID) -> str:
    raw = json.dumps([created_at.isoformat() if created_at else None, str(case_id)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime | None, UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, case_id = json.loads(raw)
        return (datetime.fromisoformat(created) if created is not None else None), UUID(case_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise Problem(422, "the cursor is not valid; start from the first page") from exc


@router.get("", response_model=CaseList)
def list_cases(
    conn: ConnDep,
    request: Request,
    status: Annotated[Status | None, Query()] = None,
    workflow_status: Annotated[WorkflowStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_\-]+$")] = None,
) -> dict[str, Any]:
    """The caller's worklist, newest first: cases they created and cases assigned to them."""
    where: list[sql.Composable] = []
    params: list[Any] = []
    if status is not None:
        where.append(sql.SQL("status = %s"))
        params.append(status)
    if workflow_status is not None:
        where.append(sql.SQL("workflow_status = %s"))
        params.append(workflow_status)
    if cursor is not None:
        created, last_id = decode_cursor(cursor)
        if created is None:  # NULL created_at sorts last: only NULLs with a smaller id remain
            where.append(sql.SQL("(created_at IS NULL AND id < %s)"))
            params.append(last_id)
        else:
            where.append(sql.SQL("(created_at < %s OR (created_at = %s AND id < %s) OR created_at IS NULL)"))
            params += [created, created, last_id]
    statement = sql.SQL(
        "SELECT {cols} FROM public.medical_notes{where}"
        " ORDER BY created_at DESC NULLS LAST, id DESC LIMIT %s"
    ).format(
        cols=_SUMMARY,
        where=sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
    )
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(statement, [*params, limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    log_access(conn, request, [str(r["id"]) for r in rows], count=len(rows))
    last = rows[-1] if more else None
    # A plain dict: FastAPI validates it once against CaseList (building models first would
    # validate every row twice).
    return {
        "items": rows,
        "next_cursor": encode_cursor(last["created_at"], last["id"]) if last else None,
    }


@router.get("/{case_id}", response_model=CasePublic)
def get_case(case_id: UUID, conn: ConnDep, request: Request) -> CasePublic:
    """One case with its notes; 404 when it does not exist or is not the caller's to see."""
    return _answer(conn, request, _fetch(conn, case_id))


@router.patch("/{case_id}", response_model=CasePublic)
def update_case(case_id: UUID, body: CaseUpdate, conn: ConnDep, request: Request) -> CasePublic:
    """Edit the notes and data of a case the caller may edit in its current status."""
    values = _values(body)
    if not values:
        return _answer(conn, request, _fetch(conn, case_id))
    statement = sql.SQL("UPDATE public.medical_notes SET {sets} WHERE id = %s RETURNING {cols}").format(
        sets=sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(n)) for n in values),
        cols=_CASE,
    )
    with _rules(), conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(statement, [*values.values(), case_id]).fetchone()
    if row is None and _visible(conn, case_id):
        raise Problem(409, "the case cannot be edited by you in its current status")
    return _answer(conn, request, row)


@router.post("/{case_id}/transition", response_model=CasePublic)
def transition_case(case_id: UUID, body: CaseTransition, conn: ConnDep, request: Request) -> CasePublic:
    """Move a case along the status flow; `provider_user_id` when sending it to a provider."""
    if body.provider_user_id is not None and body.to != "PENDING_PROVIDER_REVIEW":
        raise Problem(422, "provider_user_id goes only with to=PENDING_PROVIDER_REVIEW")
    statement = sql.SQL(
        "UPDATE public.medical_notes SET status = %s, provider_user_id = coalesce(%s, provider_user_id)"
        " WHERE id = %s AND status IS DISTINCT FROM %s RETURNING {cols}"
    ).format(cols=_CASE)
    with _rules(), conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(statement, [body.to, body.provider_user_id, case_id, body.to]).fetchone()
    if row is None and _visible(conn, case_id):
        raise Problem(409, "you cannot move this case from its current status")
    return _answer(conn, request, row)
