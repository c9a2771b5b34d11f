"""/audit/report: the access report for privacy officers (their own institution) and global
auditors (every institution, or the one named), with review flags and whether the chain verified
over the period (issue 14).

The scope is decided in the database (app.audit_report, 0111_audit_report.sql) from the caller's
designation, never from the query: OX403 for anyone else or another institution, OX404 for a user
outside the scope, OX422 for a report of nothing; each run is recorded in the audit trail."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from oxkair.api.casework import PROBLEMS
from oxkair.api.deps import Db
from oxkair.audit.report import ReportQuery, entry_json, run_report, write_csv

router = APIRouter(prefix="/audit", tags=["audit"], responses=PROBLEMS)


class ReportWho(BaseModel):
    user_id: str | None
    name: str | None
    email: str | None
    category: str | None
    institution: str | None
    db_role: str
    login: str


class ReportWhat(BaseModel):
    kind: str  # read, create, change, transition, delete, break-glass, denied, export, ...
    fields: list[str] | None
    status_from: str | None
    status_to: str | None
    endpoint: str | None


class ReportCase(BaseModel):
    id: str
    number: str | None
    mrn: str | None
    institution: str | None


class ReportEntryRef(BaseModel):
    lane: int
    seq: int
    intact: bool


class ReportEntry(BaseModel):
    at: datetime
    who: ReportWho
    what: ReportWhat
    case: ReportCase | None
    client_addr: str | None
    session_id: str | None
    flags: list[str]
    entry: ReportEntryRef


class ChainState(BaseModel):
    verified: bool | None
    verified_at: datetime | None
    problems: int | None
    entries_altered: int
    statement: str


class AuditReport(BaseModel):
    entries: list[ReportEntry]
    chain: ChainState


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


Text = Annotated[str | None, Query(min_length=1, max_length=200)]


@router.get("/report", response_model=AuditReport,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def report(
    db: Db,
    mrn: Text = None,
    case: Annotated[str | None, Query(min_length=1, max_length=200, description="a case number")] = None,
    user: Annotated[str | None, Query(min_length=3, max_length=320, description="a user's email")] = None,
    institution: UUID | None = None,
    from_: Annotated[datetime | None, Query(alias="from", description="ISO time (UTC unless given)")] = None,
    to: Annotated[datetime | None, Query(description="ISO time, exclusive")] = None,
    format: Literal["json", "csv"] = "json",  # noqa: A002 (the query parameter's name)
) -> Any:
    """Every read and change of a patient's cases (`mrn`), of one case (`case`), or everything a
    user read or changed (`user`), over a period, each with its review flags."""
    query = ReportQuery(mrn, case, user, institution, _utc(from_), _utc(to))
    with db.transaction() as conn:
        result = run_report(conn, query)
    if format == "csv":
        out = io.StringIO()
        write_csv(result.entries, out)
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"X-Oxkair-Chain": result.chain.text,
                                 "Content-Disposition": 'attachment; filename="access-report.csv"'})
    return AuditReport(entries=[ReportEntry(**entry_json(e)) for e in result.entries],
                       chain=ChainState(**result.chain.as_dict()))
