"""The access report (issue 14): run app.audit_report, state whether the chain verified over the
report's period, and shape entries for a table, CSV or JSON. Shared by the CLI and the API; the
scope (a privacy officer's institution, or all for an auditor) is decided in the database."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from typing import Any, TextIO
from uuid import UUID

from psycopg import Connection
from psycopg.rows import dict_row

_REPORT = files("oxkair.audit").joinpath("sql/report.sql").read_text()
_LAST_VERIFICATION = files("oxkair.audit").joinpath("sql/last_verification.sql").read_text()

# The flat columns of a table or CSV row, in order.
COLUMNS = ["at", "user_id", "user_name", "user_email", "user_category", "user_institution", "db_role",
           "login", "what", "fields", "status_from", "status_to", "case_number", "mrn", "case_institution",
           "client_addr", "session_id", "endpoint", "flags", "lane", "seq", "intact"]


@dataclass(frozen=True)
class ReportQuery:
    mrn: str | None = None
    case_number: str | None = None
    user_email: str | None = None
    institution: UUID | None = None
    start: datetime | None = None
    end: datetime | None = None

    def params(self) -> dict[str, Any]:
        return {"mrn": self.mrn, "case_number": self.case_number, "user_email": self.user_email,
                "institution": self.institution, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ChainStatement:
    """Whether the hash chain verified over the reported period.

    `verified` is True when the latest `oxkair audit verify` found no problem and ran after every
    reported entry (and after the period's end, when it has one); False when it found problems;
    None when no run covers the period yet. Every reported entry's own hash is rechecked too."""

    verified: bool | None
    verified_at: datetime | None
    problems: int | None
    entries_altered: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.verified,
                "verified_at": self.verified_at.isoformat() if self.verified_at else None,
                "problems": self.problems, "entries_altered": self.entries_altered, "statement": self.text}


@dataclass(frozen=True)
class Report:
    entries: list[dict[str, Any]]
    chain: ChainStatement


def run_report(conn: Connection[Any], query: ReportQuery) -> Report:
    """The report as the connection's current role and claims (in its transaction)."""
    with conn.cursor(row_factory=dict_row) as cur:
        entries = cur.execute(_REPORT, query.params()).fetchall()
        last = cur.execute(_LAST_VERIFICATION).fetchone()
    return Report(entries, chain_statement(entries, query.end, last))


def chain_statement(entries: list[dict[str, Any]], end: datetime | None,
                    last: dict[str, Any] | None) -> ChainStatement:
    altered = sum(1 for e in entries if not e["intact"])
    suffix = f"; {altered} reported entries do not match their hash (altered)" if altered else ""
    if last is None:
        return ChainStatement(None, None, None, altered,
                              "the chain has never been verified: run `oxkair audit verify`" + suffix)
    at: datetime = last["verified_at"]
    problems = int(last["problems"])
    if problems:
        return ChainStatement(False, at, problems, altered,
                              f"the chain was BROKEN at its last verification ({at:%Y-%m-%d %H:%M} UTC, "
                              f"{problems} problems): see `oxkair audit verify`" + suffix)
    newest = max((e["at"] for e in entries), default=None)
    # Covered: the run came after the period's end, or (an open period) after every reported entry.
    covered = end <= at if end is not None else (newest is None or newest < at)
    when = f"{at:%Y-%m-%d %H:%M} UTC"
    if altered:
        return ChainStatement(False, at, 0, altered, f"last verification {when}" + suffix)
    if covered:
        return ChainStatement(True, at, 0, 0, f"the chain verified intact over this period ({when})")
    return ChainStatement(None, at, 0, 0, f"the chain verified intact up to {when}; this period goes on "
                                          "after it: run `oxkair audit verify` to cover it")


def entry_json(e: dict[str, Any]) -> dict[str, Any]:
    """One entry, grouped: when, who, what, which case, from where, the session, the flags."""
    return {
        "at": e["at"].isoformat(),
        "who": {"user_id": str(e["user_id"]) if e["user_id"] else None, "name": e["user_name"],
                "email": e["user_email"], "category": e["user_category"],
                "institution": e["user_institution"], "db_role": e["db_role"], "login": e["login"]},
        "what": {"kind": e["what"], "fields": e["fields"], "status_from": e["status_from"],
                 "status_to": e["status_to"], "endpoint": e["endpoint"]},
        "case": None if e["case_id"] is None else {
            "id": str(e["case_id"]), "number": e["case_number"], "mrn": e["mrn"],
            "institution": e["case_institution"]},
        "client_addr": e["client_addr"],
        "session_id": e["session_id"],
        "flags": e["flags"],
        "entry": {"lane": e["lane"], "seq": e["seq"], "intact": e["intact"]},
    }


def cell(e: dict[str, Any], column: str) -> str:
    value = e[column]
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def write_csv(entries: list[dict[str, Any]], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow([cell(e, c) for c in COLUMNS])
