"""Inspect a source and classify its rows: what would load, be quarantined (and why) or flagged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from psycopg import Connection, sql

from oxkair.api.models import STATUSES
from oxkair.migrate.tables import REMOVED_TABLES, REMOVED_VIEWS, TABLES, TableSpec

EXAMPLES = 5


@dataclass
class Finding:
    """Rows of one table sharing a problem; ids only (never values: they may be PHI)."""

    table: str
    kind: str  # quarantine | flag
    reason: str
    ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "kind": self.kind, "reason": self.reason, "count": len(self.ids),
                "examples": self.ids[:EXAMPLES]}


@dataclass
class TableInfo:
    name: str
    exists: bool
    rows: int | None = None
    missing_columns: list[str] = field(default_factory=list)


@dataclass
class Plan:
    tables: list[TableInfo]
    findings: list[Finding]

    @property
    def blocking(self) -> list[str]:
        """Problems that stop `run`: a table or column the transforms read is missing."""
        out = []
        required = {spec.source for spec in TABLES}
        for info in self.tables:
            if info.name in required and not info.exists:
                out.append(f"{info.name} is missing")
            elif info.missing_columns:
                out.append(f"{info.name} lacks {', '.join(info.missing_columns)}")
        return out

    @property
    def would_quarantine(self) -> int:
        return sum(len(f.ids) for f in self.findings if f.kind == "quarantine")

    def as_dict(self) -> dict[str, Any]:
        return {
            "tables": [vars(t) for t in self.tables],
            "problems": [f.as_dict() for f in self.findings],
            "would_quarantine": self.would_quarantine,
            "flagged": sum(len(f.ids) for f in self.findings if f.kind == "flag"),
            "blocking": self.blocking,
        }


def _columns(conn: Connection[Any], relation: str) -> set[str] | None:
    row = conn.execute("SELECT to_regclass(%s)::oid", [relation]).fetchone()
    if not row or row[0] is None:
        return None
    rows = conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0"
                        " AND NOT attisdropped", [row[0]]).fetchall()
    return {str(r[0]) for r in rows}


def count_rows(conn: Connection[Any], relation: str) -> int:
    schema, name = relation.split(".")
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, name))).fetchone()
    assert row
    return int(row[0])


def inspect(conn: Connection[Any]) -> list[TableInfo]:
    """Which expected tables and columns exist in the source, with row counts."""
    infos: list[TableInfo] = []
    for spec in TABLES:
        cols = _columns(conn, spec.source)
        if cols is None:
            infos.append(TableInfo(spec.source, False))
            continue
        missing = [c for c in spec.required if c not in cols]
        infos.append(TableInfo(spec.source, True, count_rows(conn, spec.source), missing))
    for relation in (*REMOVED_TABLES, *REMOVED_VIEWS):
        cols = _columns(conn, relation)
        rows = count_rows(conn, relation) if cols is not None and relation in REMOVED_TABLES else None
        infos.append(TableInfo(relation, cols is not None, rows))
    return infos


# The quarantined rows a classification reads (the classify SQL's parameters below).
CLASSIFY_DEPENDS_ON = ("auth.users", "public.profiles")


def classify_table(conn: Connection[Any], spec: TableSpec,
                   quarantined: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(id, kind, reason) of a table's rows that are quarantined or flagged, in the snapshot."""
    if spec.classify_sql is None:
        return []
    bad_users, bad_profiles = (quarantined.get(table, []) for table in CLASSIFY_DEPENDS_ON)
    params = {"bad_users": bad_users, "bad_profiles": bad_profiles, "statuses": list(STATUSES)}
    rows = conn.execute(spec.classify_sql, params).fetchall()
    bad = {str(r[0]) for r in rows if r[1] == "quarantine"}
    # A quarantined row is not also flagged: it is not loaded at all.
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows if r[1] == "quarantine" or str(r[0]) not in bad]


def make_plan(conn: Connection[Any]) -> Plan:
    """The whole report of `oxkair migrate plan` (read-only, one snapshot)."""
    infos = inspect(conn)
    required = {spec.source for spec in TABLES}
    if any(i.name in required and (not i.exists or i.missing_columns) for i in infos):
        # The classifications join across tables: none can run on an incomplete schema.
        return Plan(infos, [])
    quarantined: dict[str, list[str]] = {}
    findings: list[Finding] = []
    for spec in TABLES:
        grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row_id, kind, reason in classify_table(conn, spec, quarantined):
            grouped[(kind, reason)].append(row_id)
        quarantined[spec.target] = sorted(i for (k, _), ids in grouped.items() if k == "quarantine"
                                          for i in ids)
        for (kind, reason), ids in sorted(grouped.items()):
            findings.append(Finding(spec.target, kind, reason, sorted(ids)))
    return Plan(infos, findings)
