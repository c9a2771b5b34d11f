"""`oxkair migrate status`: what is done, per table and chunk, read from the target's checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import Connection


@dataclass
class TableStatus:
    table: str
    phase: str
    chunks_done: int
    chunks_total: int
    source_rows: int
    migrated: int
    quarantined: int
    excluded: int
    flagged: int


def table_status(tgt: Connection[Any]) -> list[TableStatus]:
    rows = tgt.execute(
        "SELECT s.table_name, s.phase,"
        " (SELECT count(*) FILTER (WHERE c.done) FROM migration.chunks c WHERE c.table_name = s.table_name),"
        " (SELECT count(*) FROM migration.chunks c WHERE c.table_name = s.table_name),"
        " s.source_rows,"
        " (SELECT coalesce(sum(c.rows_copied), 0) FROM migration.chunks c WHERE c.table_name = s.table_name),"
        " (SELECT count(*) FROM migration.quarantine q WHERE q.table_name = s.table_name),"
        " s.excluded,"
        " (SELECT count(DISTINCT f.source_id) FROM migration.flags f WHERE f.table_name = s.table_name)"
        " FROM migration.table_state s ORDER BY s.classified_at, s.table_name").fetchall()
    return [TableStatus(str(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]),
                        int(r[7]), int(r[8])) for r in rows]


def last_run(tgt: Connection[Any]) -> dict[str, Any] | None:
    row = tgt.execute("SELECT id, started_at, finished_at, source, outcome FROM migration.run_log"
                      " ORDER BY id DESC LIMIT 1").fetchone()
    if not row:
        return None
    return {"id": row[0], "started_at": str(row[1]), "finished_at": str(row[2]) if row[2] else None,
            "source": row[3], "outcome": row[4]}


def chunk_status(tgt: Connection[Any]) -> list[dict[str, Any]]:
    rows = tgt.execute("SELECT table_name, chunk_no, lo::text, hi::text, done, rows_copied, seconds"
                       " FROM migration.chunks ORDER BY table_name, chunk_no").fetchall()
    keys = ("table", "chunk", "lo", "hi", "done", "rows", "seconds")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def suspended_indexes(tgt: Connection[Any]) -> list[str]:
    """Indexes a run dropped to build after its load (0140) and has not rebuilt yet: a run was
    stopped in between; the next `migrate run` rebuilds them."""
    return [str(r[0]) for r in tgt.execute(
        "SELECT index_name FROM migration.suspended_indexes ORDER BY index_name").fetchall()]


def suspended_foreign_keys(tgt: Connection[Any]) -> list[str]:
    """Foreign keys of public.medical_notes a run dropped to check after its load (0150) and has
    not added back yet: a run was stopped in between, or a case broke a key; `migrate run` again
    adds them (or says which case breaks which key)."""
    return [str(r[0]) for r in tgt.execute(
        "SELECT constraint_name FROM migration.suspended_foreign_keys ORDER BY constraint_name").fetchall()]
