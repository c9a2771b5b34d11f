"""Helpers of the case-management routes: the PHI access log, documented problems."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from fastapi import Request
from psycopg import Connection

from oxkair.api.problems import Problem
from oxkair.api.rls import Rls

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
_PROBLEM = {"content": {"application/problem+json": {"schema": _PROBLEM_SCHEMA}}}

# Every route of these routers answers RFC 9457 problem documents for its errors.
PROBLEMS: dict[int | str, dict[str, Any]] = {
    "4XX": {"description": "A problem document (RFC 9457)", **_PROBLEM},
    503: {"description": "Busy or the database is unreachable; retry", **_PROBLEM},
}


def endpoint(request: Request) -> str:
    """The route template (never the concrete path: it holds ids, not names)."""
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    return f"{request.method} {path}"


def log_access(conn: Connection[Any], request: Request, ids: list[str]) -> None:
    """One entry in the audit trail's access log for the PHI rows this response carries, in the
    transaction that read them (it commits before the answer leaves).

    The database records only the ids the caller can read, with the user and client address of
    the transaction's claims and settings (app.log_case_reads, 0003_baseline_audit.sql)."""
    if not ids:
        return
    conn.execute("SELECT app.log_case_reads(%s::uuid[], %s)", [ids, endpoint(request)])


@contextmanager
def denials_recorded(db: Rls, request: Request, case_id: UUID) -> Iterator[None]:
    """A 404 on a case that exists but is not the caller's (another institution's, a colleague's)
    is a denied attempt: recorded in the trail in its own transaction, since the request's rolls
    back with the error (app.log_case_denied, 0110_audit_review.sql; the answer is the same 404)."""
    try:
        yield
    except Problem as exc:
        if exc.status == 404:
            with db.transaction() as conn:
                conn.execute("SELECT app.log_case_denied(%s, %s)", [case_id, endpoint(request)])
        raise
