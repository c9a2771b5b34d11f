"""The worklist statement (GET /cases): a keyset page and its access-log entry, in one statement."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any
from uuid import UUID

from psycopg import sql

from oxkair.api.models import SUMMARY_COLUMNS
from oxkair.api.problems import Problem

ENDPOINT = "GET /cases"


@cache
def _template() -> str:
    """sql/worklist.sql without its comment lines (they may mention placeholders)."""
    text = files("oxkair.api").joinpath("sql/worklist.sql").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


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


def worklist_query(
    limit: int, *, status: str | None = None, workflow_status: str | None = None, cursor: str | None = None
) -> tuple[sql.Composed, list[Any]]:
    """The statement and its parameters: up to limit + 1 rows, newest first (RLS decides whose);
    the first `limit` of them are written to the access log as read by the caller."""
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
    statement = sql.SQL(_template()).format(  # a file of the package, never input
        columns=sql.SQL(", ").join(sql.Identifier(c) for c in SUMMARY_COLUMNS),
        where=sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
    )
    return statement, [*params, limit + 1, limit, ENDPOINT]
