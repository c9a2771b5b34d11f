"""The accounting of a run: per table, source rows = migrated + quarantined + excluded, the content
hash of what was copied, the one audit entry per table, and the quarantine report (ids and
reasons, never row values: they may be PHI)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg import Connection

from oxkair.migrate.tables import REMOVED_TABLES, TABLES, TableSpec

ARCHIVE_STATE = "archive"  # the table_state row of the encrypted archive


@dataclass
class TableResult:
    table: str
    source_rows: int
    migrated: int
    quarantined: int
    excluded: int
    seconds: float = 0.0
    content_sha256: str | None = None

    @property
    def balanced(self) -> bool:
        return self.source_rows == self.migrated + self.quarantined + self.excluded


@dataclass
class RunResult:
    tables: list[TableResult] = field(default_factory=list)
    nothing_to_do: bool = False
    archive_dir: Path | None = None
    report_path: Path | None = None

    @property
    def balanced(self) -> bool:
        return all(t.balanced for t in self.tables)


def table_states(tgt: Connection[Any]) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in tgt.execute(
        "SELECT table_name, phase FROM migration.table_state").fetchall()}


def finish_table(tgt: Connection[Any], spec: TableSpec) -> TableResult:
    """Check the accounting, hash the content, write the one audit entry; mark done."""
    with tgt.transaction():
        row = tgt.execute(
            "SELECT s.source_rows, s.excluded,"
            " (SELECT coalesce(sum(c.rows_copied), 0) FROM migration.chunks c"
            "   WHERE c.table_name = s.table_name),"
            " (SELECT string_agg(c.content_sha256, '' ORDER BY c.chunk_no) FROM migration.chunks c"
            "   WHERE c.table_name = s.table_name),"
            " (SELECT count(*) FROM migration.quarantine q WHERE q.table_name = s.table_name),"
            " (SELECT coalesce(sum(c.seconds), 0) FROM migration.chunks c WHERE c.table_name = s.table_name)"
            " FROM migration.table_state s WHERE s.table_name = %s FOR UPDATE", [spec.target]).fetchone()
        assert row
        result = TableResult(spec.target, int(row[0]), int(row[2]), int(row[4]), int(row[1]), float(row[5]),
                             hashlib.sha256((row[3] or "").encode()).hexdigest())
        tgt.execute("UPDATE migration.table_state SET phase = 'done', migrated = %s, quarantined = %s,"
                    " content_sha256 = %s, done_at = now() WHERE table_name = %s",
                    [result.migrated, result.quarantined, result.content_sha256, spec.target])
        if spec.audited:
            detail = {"actor": "migration", "source_rows": result.source_rows, "migrated": result.migrated,
                      "quarantined": result.quarantined, "excluded": result.excluded,
                      "balanced": result.balanced, "content_sha256": result.content_sha256,
                      "content_hash_of": "sha256 of the per-chunk sha256 of the binary COPY streams"}
            tgt.execute("SELECT audit.log_migration('MIGRATION', %s, %s)",
                        [spec.target, json.dumps(detail)])
    return result


def table_results(tgt: Connection[Any]) -> list[TableResult]:
    order = [t.target for t in TABLES] + list(REMOVED_TABLES)
    rows = tgt.execute("SELECT table_name, source_rows, migrated, quarantined, excluded, content_sha256,"
                       " (SELECT coalesce(sum(c.seconds), 0) FROM migration.chunks c"
                       "   WHERE c.table_name = s.table_name)"
                       " FROM migration.table_state s WHERE table_name <> %s", [ARCHIVE_STATE]).fetchall()
    results = [TableResult(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), float(r[6]),
                           r[5]) for r in rows]
    return sorted(results, key=lambda t: order.index(t.table) if t.table in order else len(order))


def write_report(tgt: Connection[Any], path: Path) -> Path:
    """The quarantine report: table, id, reason (no row values: they may be PHI)."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["kind", "table", "source_id", "reason"])
        for row in tgt.execute(
                "SELECT 'quarantined', table_name, source_id, reason FROM migration.quarantine"
                " UNION ALL SELECT 'flagged', table_name, source_id, reason FROM migration.flags"
                " ORDER BY 1 DESC, 2, 3"):
            out.writerow(row)
    return path
