"""The worklist statement (GET /cases): a keyset page and its access-log entry, in one statement;
sorted by any of its columns, filtered by status and by a search of case number or MRN."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any, Literal, get_args
from uuid import UUID

from psycopg import sql

from oxkair.api.models import STATUSES, SUMMARY_COLUMNS
from oxkair.api.problems import Problem

ENDPOINT = "GET /cases"

Sort = Literal["created_at", "updated_at", "case_number", "mrn", "date_of_service", "insurance_provider",
               "status", "provider"]
Order = Literal["asc", "desc"]
SORTS: tuple[str, ...] = get_args(Sort)

# Each sort key: an expression that is never NULL (so one row comparison pages through it) and
# the SQL type of its cursor value. Statuses sort in workflow order; no provider sorts as "".
_KEYS: dict[str, tuple[sql.Composable, str]] = {
    "created_at": (sql.SQL("coalesce(m.created_at, '-infinity'::timestamptz)"), "timestamptz"),
    "updated_at": (sql.SQL("coalesce(m.updated_at, '-infinity'::timestamptz)"), "timestamptz"),
    "date_of_service": (sql.SQL("coalesce(m.date_of_service, '-infinity'::timestamptz)"), "timestamptz"),
    "case_number": (sql.SQL("m.case_number"), "text"),
    "mrn": (sql.SQL("coalesce(m.mrn, '')"), "text"),
    "insurance_provider": (sql.SQL("coalesce(m.insurance_provider, '')"), "text"),
    "status": (sql.SQL("coalesce(array_position({}::text[], m.status), 0)").format(
        sql.Literal(list(STATUSES))), "integer"),
    "provider": (sql.SQL("coalesce(prov.name, '')"), "text"),
}
# Provider names come from the caller's institution's Providers (ids and names only).
_PROVIDER_JOIN = sql.SQL(" LEFT JOIN public.institution_providers() prov ON prov.id = m.provider_user_id")


@cache
def _template(name: str) -> str:
    """sql/<name> without its comment lines (they may mention placeholders)."""
    text = files("oxkair.api").joinpath(f"sql/{name}").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def _encode(payload: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _decode(cursor: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise Problem(422, "the cursor is not valid; start from the first page") from exc


def encode_cursor(created_at: datetime | None, case_id: UUID) -> str:
    """The newest-first worklist's cursor (the default order: its format is unchanged)."""
    return _encode([created_at.isoformat() if created_at else None, str(case_id)])


def decode_cursor(cursor: str) -> tuple[datetime | None, UUID]:
    try:
        created, case_id = _decode(cursor)
        return (datetime.fromisoformat(created) if created is not None else None), UUID(case_id)
    except (ValueError, TypeError) as exc:
        raise Problem(422, "the cursor is not valid; start from the first page") from exc


def sorted_cursor(sort: str, order: str, key: str, case_id: UUID) -> str:
    """The cursor of a page in another order: the sort it belongs to, the last key (as text) and id."""
    return _encode([sort, order, key, str(case_id)])


def _sorted_position(cursor: str, sort: str, order: str) -> tuple[Any, UUID]:
    try:
        cursor_sort, cursor_order, key, case_id = _decode(cursor)
        if (cursor_sort, cursor_order) != (sort, order) or not isinstance(key, str):
            raise ValueError("another order's cursor")
        return key, UUID(case_id)
    except (ValueError, TypeError) as exc:
        raise Problem(422, "the cursor is not valid; start from the first page") from exc


def _filters(
    status: str | None, workflow_status: str | None, q: str | None
) -> tuple[list[sql.Composable], list[Any]]:
    where: list[sql.Composable] = []
    params: list[Any] = []
    if status is not None:
        where.append(sql.SQL("status = %s"))
        params.append(status)
    if workflow_status is not None:
        where.append(sql.SQL("workflow_status = %s"))
        params.append(workflow_status)
    if q:
        # A part of the case number or of the MRN, any case; within the caller's own cases (RLS).
        where.append(sql.SQL("(strpos(lower(case_number), %s) > 0"
                             " OR strpos(lower(coalesce(mrn, '')), %s) > 0)"))
        params += [q.lower(), q.lower()]
    return where, params


def worklist_query(
    limit: int, *, status: str | None = None, workflow_status: str | None = None, cursor: str | None = None,
    q: str | None = None,
) -> tuple[sql.Composed, list[Any]]:
    """The newest-first statement and its parameters: up to limit + 1 rows (RLS decides whose);
    the first `limit` of them are written to the access log as read by the caller."""
    where, params = _filters(status, workflow_status, q)
    if cursor is not None:
        created, last_id = decode_cursor(cursor)
        if created is None:  # NULL created_at sorts last: only NULLs with a smaller id remain
            where.append(sql.SQL("(created_at IS NULL AND id < %s)"))
            params.append(last_id)
        else:
            where.append(sql.SQL("(created_at < %s OR (created_at = %s AND id < %s) OR created_at IS NULL)"))
            params += [created, created, last_id]
    statement = sql.SQL(_template("worklist.sql")).format(  # a file of the package, never input
        columns=sql.SQL(", ").join(sql.Identifier(c) for c in SUMMARY_COLUMNS),
        where=sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
    )
    return statement, [*params, limit + 1, limit, ENDPOINT]


def sorted_worklist_query(
    limit: int, sort: str, order: str, *, status: str | None = None, workflow_status: str | None = None,
    cursor: str | None = None, q: str | None = None,
) -> tuple[sql.Composed, list[Any]]:
    """The same page in another order: by `sort` (SORTS) ascending or descending, ties by id.
    Each row also carries `sort_key` (text, for the next page's cursor) and `sort_n`."""
    key, key_type = _KEYS[sort]
    where, params = _filters(status, workflow_status, q)  # no column of theirs is the join's
    if cursor is not None:
        last_key, last_id = _sorted_position(cursor, sort, order)
        where.append(sql.SQL("({key}, m.id) {op} (%s::{type}, %s::uuid)").format(
            key=key, op=sql.SQL("<" if order == "desc" else ">"), type=sql.SQL(key_type)))
        params += [last_key, last_id]
    direction = sql.SQL("DESC" if order == "desc" else "ASC")
    statement = sql.SQL(_template("worklist_sorted.sql")).format(
        columns=sql.SQL(", ").join(sql.SQL("m.") + sql.Identifier(c) for c in SUMMARY_COLUMNS),
        key=key,
        join=_PROVIDER_JOIN if sort == "provider" else sql.SQL(""),
        where=sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
        direction=direction,
    )
    return statement, [*params, limit + 1, limit, ENDPOINT]


def counts_query(q: str | None = None) -> tuple[sql.Composed, list[Any]]:
    """The caller's cases per status (RLS decides whose), with the worklist's search."""
    where, params = _filters(None, None, q)
    statement = sql.SQL("SELECT status, count(*) FROM public.medical_notes{where} GROUP BY status").format(
        where=sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""))
    return statement, params
