"""Classification, once per table before its first chunk: which rows are quarantined (with their
row, secrets removed) or flagged, and the chunks the table is copied in. One target transaction."""

from __future__ import annotations

from typing import Any

from psycopg import Connection, sql
from psycopg.types.json import Jsonb

from oxkair.migrate.plan import classify_table, count_rows
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


def classify(src: Connection[Any], tgt: Connection[Any], spec: TableSpec, chunk_rows: int) -> None:
    """Decide the table's quarantine and flags, plan its chunks; one target transaction."""
    source_rows = count_rows(src, spec.source)
    rows = classify_table(src, spec, _quarantined_ids(tgt))
    bad = [r[0] for r in rows if r[1] == "quarantine"]
    reasons = {r[0]: r[2] for r in rows if r[1] == "quarantine"}
    schema, table = spec.source.split(".")
    data = src.execute(sql.SQL("SELECT x.id::text, to_jsonb(x) - %s::text[] FROM {} x"
                               " WHERE x.id::text = ANY(%s::text[])").format(sql.Identifier(schema, table)),
                       [SECRET_COLUMNS, bad]).fetchall() if bad else []
    bounds = _chunk_bounds(src, spec, chunk_rows)
    with tgt.transaction():
        tgt.execute("INSERT INTO migration.table_state (table_name, phase, source_rows)"
                    " VALUES (%s, 'classified', %s)",
                    [spec.target, source_rows])
        with tgt.cursor() as cur:
            cur.executemany("INSERT INTO migration.quarantine (table_name, source_id, reason, row_data)"
                            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                            [(spec.target, i, reasons[i], Jsonb(d)) for i, d in data])
            cur.executemany("INSERT INTO migration.flags (table_name, source_id, reason) VALUES (%s, %s, %s)"
                            " ON CONFLICT DO NOTHING",
                            [(spec.target, r[0], r[2]) for r in rows if r[1] == "flag"])
            cur.executemany("INSERT INTO migration.chunks (table_name, chunk_no, lo, hi)"
                            " VALUES (%s, %s, %s, %s)",
                            [(spec.target, n, lo, hi) for n, (lo, hi) in enumerate(bounds)])
