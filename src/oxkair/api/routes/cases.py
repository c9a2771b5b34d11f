"""/cases: create, worklist (keyset pages), fetch, edit, status transitions; every read is logged."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from uuid import UUID

import psycopg
from fastapi import APIRouter, Header, Query, Request, Response
from psycopg import Connection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from pydantic_core import to_json

from oxkair.api.casework import PROBLEMS, denials_recorded, endpoint, log_access
from oxkair.api.deps import Db
from oxkair.api.models import (
    CASE_COLUMNS,
    JSON_FIELDS,
    STATUSES,
    SUMMARY_COLUMNS,
    CaseCounts,
    CaseCreate,
    CaseHistory,
    CaseHistoryEntry,
    CaseList,
    CasePublic,
    CaseTransition,
    CaseUpdate,
    NoNul,
    Status,
    WorkflowStatus,
)
from oxkair.api.problems import Problem
from oxkair.api.worklist import (
    Order,
    Sort,
    counts_query,
    encode_cursor,
    sorted_cursor,
    sorted_worklist_query,
    worklist_query,
)

router = APIRouter(prefix="/cases", tags=["cases"], responses=PROBLEMS)

NOT_FOUND = "no such case"
_CASE = sql.SQL(", ").join(sql.Identifier(c) for c in CASE_COLUMNS)

# The invariant triggers' constraint names → what the client is told.
_RULES: dict[str, tuple[int, str]] = {
    "medical_notes_status_flow": (409, "the case cannot move to that status from its current one"),
    "medical_notes_provider_in_institution": (
        422, "the provider is not a verified Provider of your institution"),
    "medical_notes_creator_verified": (
        403, "your membership of your institution is not verified yet: an administrator of your"
             " institution must approve it (or confirm an address of the institution's email domain)"),
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


def _one(conn: Connection[Any], statement: sql.Composed, params: list[Any]) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(statement, params).fetchone()


def _fetch(conn: Connection[Any], case_id: UUID) -> dict[str, Any] | None:
    return _one(conn, sql.SQL("SELECT {} FROM public.medical_notes WHERE id = %s").format(_CASE), [case_id])


def _visible(conn: Connection[Any], case_id: UUID) -> bool:
    return conn.execute("SELECT 1 FROM public.medical_notes WHERE id = %s", [case_id]).fetchone() is not None


def _answer(conn: Connection[Any], request: Request, row: dict[str, Any] | None) -> CasePublic:
    if row is None:
        raise Problem(404, NOT_FOUND)
    log_access(conn, request, [str(row["id"])])
    return CasePublic(**row)


# Routes are plain functions: FastAPI runs each in its thread pool (one hop per request), and
# each opens its transaction itself (`Db`), so the access log commits before the answer is built.
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
    description="Any unique string per creation (a UUID): a retry with the same key and body "
                "answers with the case the first request created instead of creating another")]


@router.post("", status_code=201, response_model=CasePublic)
def create_case(body: CaseCreate, db: Db, request: Request, response: Response,
                idempotency_key: IdempotencyKey = None) -> CasePublic:
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
    with db.transaction() as conn:
        if idempotency_key is not None:
            # Claimed in the creation's transaction (0058): both commit, or neither does.
            digest = hashlib.sha256(body.model_dump_json(exclude_unset=True).encode()).digest()
            claimed = conn.execute("SELECT app.claim_idempotency_key(%s, %s, %s)",
                                   [idempotency_key, endpoint(request), digest]).fetchone()
            if claimed and claimed[0] is not None:
                response.headers["Idempotent-Replayed"] = "true"
                return _answer(conn, request, _fetch(conn, claimed[0]))
        with _rules():
            row = _one(conn, statement, [number, *values.values()])
        if idempotency_key is not None and row is not None:
            conn.execute("SELECT app.record_idempotency_result(%s, %s)", [idempotency_key, row["id"]])
        return _answer(conn, request, row)


SearchText = Annotated[str, Query(min_length=1, max_length=100, description="part of a case number or MRN"),
                      NoNul]


@router.get("", response_model=CaseList)
def list_cases(
    db: Db,
    request: Request,
    status: Annotated[Status | None, Query()] = None,
    workflow_status: Annotated[WorkflowStatus | None, Query()] = None,
    q: SearchText | None = None,
    sort: Annotated[Sort, Query(description="the column to sort by")] = "created_at",
    order: Annotated[Order, Query()] = "desc",
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=400, pattern=r"^[A-Za-z0-9_\-]+$")] = None,
) -> Response:
    """The caller's worklist (cases they created and cases assigned to them), newest first or
    by `sort`/`order`; `q` finds a part of a case number or MRN; keyset pages (`cursor`)."""
    newest_first = sort == "created_at" and order == "desc"
    if newest_first:
        statement, params = worklist_query(limit, status=status, workflow_status=workflow_status,
                                           cursor=cursor, q=q)
    else:
        statement, params = sorted_worklist_query(limit, sort, order, status=status,
                                                  workflow_status=workflow_status, cursor=cursor, q=q)
    # BEGIN, the RLS scope, the page with its access-log entry and COMMIT in one round trip; the
    # log is committed before the answer is built.
    rows = db.fetch_committed(statement, params)
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more else None
    if newest_first:
        next_cursor = encode_cursor(last["created_at"], last["id"]) if last else None
    else:
        next_cursor = sorted_cursor(sort, order, last["sort_key"], last["id"]) if last else None
        rows = [{c: row[c] for c in SUMMARY_COLUMNS} for row in rows]
    page = {"items": rows, "next_cursor": next_cursor}
    # Serialised here, in this thread: returned as data, FastAPI would validate and serialise it
    # in a second thread-pool hop. The rows are CaseSummary's columns as the database typed
    # them (SUMMARY_COLUMNS, in order), so pydantic's serialiser writes the same JSON a
    # validated CaseList would (tests/test_api_cases.py checks it against the model).
    return Response(to_json(page), media_type="application/json")


@router.get("/counts", response_model=CaseCounts)
def count_cases(db: Db, q: SearchText | None = None) -> CaseCounts:
    """How many of the caller's cases are in each status (no PHI: not an access-log read)."""
    statement, params = counts_query(q)
    with db.transaction() as conn:
        rows = conn.execute(statement, params).fetchall()
    counts = {status: 0 for status in STATUSES}
    for status, count in rows:
        if status in counts:
            counts[status] = count
    return CaseCounts(counts=counts, total=sum(count for _, count in rows))


@router.get("/{case_id}", response_model=CasePublic)
def get_case(case_id: UUID, db: Db, request: Request) -> CasePublic:
    """One case with its notes; 404 when it does not exist or is not the caller's to see."""
    with denials_recorded(db, request, case_id), db.transaction() as conn:
        return _answer(conn, request, _fetch(conn, case_id))


@router.patch("/{case_id}", response_model=CasePublic)
def update_case(case_id: UUID, body: CaseUpdate, db: Db, request: Request) -> CasePublic:
    """Edit the notes and data of a case the caller may edit in its current status."""
    values = _values(body)
    if not values:
        return get_case(case_id, db, request)
    statement = sql.SQL("UPDATE public.medical_notes SET {sets} WHERE id = %s RETURNING {cols}").format(
        sets=sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(n)) for n in values),
        cols=_CASE,
    )
    with denials_recorded(db, request, case_id), db.transaction() as conn:
        with _rules():
            row = _one(conn, statement, [*values.values(), case_id])
        if row is None and _visible(conn, case_id):
            raise Problem(409, "the case cannot be edited by you in its current status")
        return _answer(conn, request, row)


@router.post("/{case_id}/transition", response_model=CasePublic)
def transition_case(case_id: UUID, body: CaseTransition, db: Db, request: Request) -> CasePublic:
    """Move a case along the status flow; `provider_user_id` when sending it to a provider."""
    if body.provider_user_id is not None and body.to != "PENDING_PROVIDER_REVIEW":
        raise Problem(422, "provider_user_id goes only with to=PENDING_PROVIDER_REVIEW")
    statement = sql.SQL(
        "UPDATE public.medical_notes SET status = %s, provider_user_id = coalesce(%s, provider_user_id)"
        " WHERE id = %s AND status IS DISTINCT FROM %s RETURNING {cols}"
    ).format(cols=_CASE)
    with denials_recorded(db, request, case_id), db.transaction() as conn:
        with _rules():
            row = _one(conn, statement, [body.to, body.provider_user_id, case_id, body.to])
        if row is None and _visible(conn, case_id):
            raise Problem(409, "you cannot move this case from its current status")
        return _answer(conn, request, row)


@router.get("/{case_id}/history", response_model=CaseHistory)
def case_history(case_id: UUID, db: Db, request: Request) -> CaseHistory:
    """Who did what to the case, and when, newest first, from the audit trail: created, edited
    (which fields; never their values), moved (from, to; the provider it was sent to). 404 for
    a case the caller cannot read: the database function answers only for those."""
    with denials_recorded(db, request, case_id), db.transaction() as conn, \
            conn.cursor(row_factory=dict_row) as cur:
        if not _visible(conn, case_id):
            raise Problem(404, NOT_FOUND)
        rows = cur.execute(
            "SELECT at, action, actor_name, fields, status_from, status_to, provider_name"
            " FROM public.case_history(%s)", [case_id]
        ).fetchall()
    return CaseHistory(items=[CaseHistoryEntry(**row) for row in rows])
