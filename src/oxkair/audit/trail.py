"""Reading the audit trail as oxkair_auditor: chain verification and JSON-lines export."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from psycopg import Connection
from psycopg.rows import dict_row

AUDITOR = "oxkair_auditor"


@dataclass(frozen=True)
class ChainProblem:
    lane: int
    seq: int
    problem: str


def _as_auditor(conn: Connection[Any]) -> None:
    conn.execute(f"SET ROLE {AUDITOR}")


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: list[ChainProblem]
    anchor: str  # sha256 over every lane's head: keep it outside the database to compare later


def verify_chain(conn: Connection[Any]) -> ChainReport:
    """Check every entry, link and head. Empty problems means the trail is intact."""
    _as_auditor(conn)
    with conn.transaction():
        # One snapshot for the count, the check and the anchor; the trail may be growing meanwhile.
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        row = conn.execute("SELECT count(*) FROM audit.log").fetchone()
        count = int(row[0]) if row else 0
        # audit.verify_and_record() runs audit.verify_chain() and records the outcome (a report
        # states whether the chain verified over its period: oxkair.audit.report).
        problems = [ChainProblem(int(lane), int(seq), str(problem)) for lane, seq, problem
                    in conn.execute("SELECT lane, seq, problem FROM audit.verify_and_record()")]
        heads = conn.execute("SELECT string_agg(lane || ':' || seq || ':' || encode(hash, 'hex'), ','"
                             " ORDER BY lane) FROM audit.chain_head").fetchone()
    anchor = hashlib.sha256(str(heads[0] if heads else "").encode()).hexdigest()
    return ChainReport(count, problems, anchor)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime):
        return value.isoformat()
    return value if value is None or isinstance(value, int | float | str | bool | list | dict) \
        else str(value)


def export_entries(conn: Connection[Any], out: TextIO, since: datetime | None = None) -> int:
    """Write entries as JSON lines in chain order; return how many. Streams with a cursor."""
    _as_auditor(conn)
    written = 0
    with conn.transaction(), conn.cursor(name="audit_export", row_factory=dict_row) as cur:
        cur.execute(
            "SELECT * FROM audit.log WHERE %(since)s::timestamptz IS NULL OR at >= %(since)s"
            " ORDER BY at, lane, seq",
            {"since": since},
        )
        for entry in _rows(cur):
            out.write(json.dumps({k: _jsonable(v) for k, v in entry.items()}) + "\n")
            written += 1
    with conn.transaction():  # the trail (PHI with it) left the database: an AUDIT_EXPORT entry
        conn.execute("SELECT audit.log_export(%s, %s)", [since, written])
    return written


def _rows(cur: Any) -> Iterator[dict[str, Any]]:
    while batch := cur.fetchmany(1000):
        yield from batch
