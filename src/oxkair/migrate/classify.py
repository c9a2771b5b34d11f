"""Classification, once per table before its first chunk: which rows are quarantined (with their
row, secrets removed) or flagged, and the chunks the table is copied in. One target transaction.

The work is on the source (`classify_source`), the result is recorded in the target (`record`):
`migrate run` can thus classify ahead while the target is still being made (ahead.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import Connection, sql
from psycopg.types.json import Jsonb

from oxkair.migrate.plan import CLASSIFY_DEPENDS_ON, classify_table, count_rows
from oxkair.migrate.tables import TableSpec

# Secrets of GoTrue never leave the source, not even into the quarantine.
SECRET_COLUMNS = ["encrypted_password", "confirmation_token", "recovery_token", "email_change_token_new",
                  "email_change_token_current", "phone_change_token", "reauthentication_token"]


def _quarantined_ids(tgt: Connection[Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for table, source_id in tgt.execute(
            "SELECT table_name, source_id FROM migration.quarantine WHERE resolved_at IS NULL").fetchall():
        out.setdefault(str(table), []).append(str(source_id))
    return out


def _chunk_bounds(src: Connection[Any], spec: TableSpec,
                  chunk_rows: int) -> list[tuple[str | None, str | None]]:
    schema, table = spec.source.split(".")
    rows = src.execute(sql.SQL(
        "SELECT id::text FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM {}) s"
        " WHERE rn %% %s = 1 ORDER BY id").format(sql.Identifier(schema, table)), [chunk_rows]).fetchall()
    starts: list[str | None] = [str(r[0]) for r in rows[1:]]
    los: list[str | None] = [None, *starts]
    his: list[str | None] = [*starts, None]
    return list(zip(los, his, strict=True))


def assumed(quarantined: dict[str, list[str]]) -> dict[str, list[str]]:
    """The part of a quarantine that classifications read (plan.CLASSIFY_DEPENDS_ON), sorted."""
    return {table: sorted(quarantined.get(table, [])) for table in CLASSIFY_DEPENDS_ON}


@dataclass(frozen=True)
class Classification:
    """One table's classification, computed on the source, not yet recorded."""

    table: str
    assumed: dict[str, list[str]]  # the quarantine it was computed with (see assumed())
    source_rows: int
    rows: list[tuple[str, str, str]]  # (id, quarantine | flag, reason)
    quarantined_rows: list[tuple[str, Any]]  # (id, row as JSON without secrets)
    bounds: list[tuple[str | None, str | None]]

    def quarantined_ids(self) -> list[str]:
        return [r[0] for r in self.rows if r[1] == "quarantine"]


def classify_source(src: Connection[Any], spec: TableSpec, chunk_rows: int,
                    quarantined: dict[str, list[str]]) -> Classification:
    """The table's quarantine and flags, and its chunks, given what is quarantined already."""
    source_rows = count_rows(src, spec.source)
    rows = classify_table(src, spec, quarantined)
    bad = [r[0] for r in rows if r[1] == "quarantine"]
    schema, table = spec.source.split(".")
    data = src.execute(sql.SQL("SELECT x.id::text, to_jsonb(x) - %s::text[] FROM {} x"
                               " WHERE x.id::text = ANY(%s::text[])").format(sql.Identifier(schema, table)),
                       [SECRET_COLUMNS, bad]).fetchall() if bad else []
    return Classification(spec.target, assumed(quarantined), source_rows, rows,
                          [(str(i), d) for i, d in data], _chunk_bounds(src, spec, chunk_rows))


def record(tgt: Connection[Any], spec: TableSpec, c: Classification) -> None:
    """Write a classification into the target: one transaction."""
    reasons = {r[0]: r[2] for r in c.rows if r[1] == "quarantine"}
    with tgt.transaction():
        tgt.execute("INSERT INTO migration.table_state (table_name, phase, source_rows)"
                    " VALUES (%s, 'classified', %s)",
                    [spec.target, c.source_rows])
        with tgt.cursor() as cur:
            cur.executemany("INSERT INTO migration.quarantine (table_name, source_id, reason, row_data)"
                            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                            [(spec.target, i, reasons[i], Jsonb(d)) for i, d in c.quarantined_rows])
            cur.executemany("INSERT INTO migration.flags (table_name, source_id, reason) VALUES (%s, %s, %s)"
                            " ON CONFLICT DO NOTHING",
                            [(spec.target, r[0], r[2]) for r in c.rows if r[1] == "flag"])
            cur.executemany("INSERT INTO migration.chunks (table_name, chunk_no, lo, hi)"
                            " VALUES (%s, %s, %s, %s)",
                            [(spec.target, n, lo, hi) for n, (lo, hi) in enumerate(c.bounds)])


def classify(src: Connection[Any], tgt: Connection[Any], spec: TableSpec, chunk_rows: int,
             ahead: Classification | None = None) -> None:
    """Decide the table's quarantine and flags, plan its chunks; one target transaction.

    `ahead`, one computed before (while the target was made), is recorded as it is when the
    quarantine it assumed is the target's now; otherwise (the target refused rows of an earlier
    table while copying them) the table is classified again."""
    quarantined = _quarantined_ids(tgt)
    if ahead is None or ahead.assumed != assumed(quarantined):
        ahead = classify_source(src, spec, chunk_rows, quarantined)
    record(tgt, spec, ahead)
