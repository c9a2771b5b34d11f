"""`oxkair migrate verify`: every migrated row and column, by content hash, source against target.

Both sides hash each row as `sha256(record_send(row))` of the same columns cast to the target's
types (the source through the same transform `run` uses), chunk by chunk under one source
snapshot, the two sides of a chunk at the same time, merged by id. The binary form of a row costs
half of its text form to build, and sha256 (hardware-accelerated) less than md5. A changed row is
then compared column by column, so the report names the columns, never their values.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from psycopg import Connection, sql

from oxkair.config import Settings
from oxkair.errors import SetupError
from oxkair.migrate.conn import ConnPairs, SourceSnapshot, target_connection
from oxkair.migrate.tables import TABLES, TableSpec

MAX_LISTED = 50


@dataclass
class Mismatch:
    table: str
    id: str
    problem: str  # changed | missing in target | not in source
    columns: list[str] = field(default_factory=list)


@dataclass
class TableCheck:
    table: str
    compared: int = 0
    matched: int = 0
    quarantined: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    mismatch_count: int = 0
    source_sha256: str = ""
    target_sha256: str = ""


def _where(alias: str = "x") -> sql.Composable:
    return sql.SQL("(%(lo)s::uuid IS NULL OR {a}.id >= %(lo)s::uuid) AND (%(hi)s::uuid IS NULL OR {a}.id < "
                   "%(hi)s::uuid)").format(a=sql.Identifier(alias))


def _row_hash(typed: list[tuple[str, str]]) -> sql.Composed:
    """sha256 of the row's binary form; every column cast to the target's type (without typmod),
    so both sides send the same type oids whatever the source's own types are."""
    return sql.SQL("sha256(record_send(ROW({})))").format(sql.SQL(", ").join(
        sql.SQL("t.{}::{}").format(sql.Identifier(c), sql.SQL(t)) for c, t in typed))


def column_types(tgt: Connection[Any], spec: TableSpec) -> list[tuple[str, str]]:
    """The loaded columns of the target table with their type names (base type, no typmod)."""
    types = {str(r[0]): str(r[1]) for r in tgt.execute(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped", [spec.target])}
    return [(c, types[c]) for c in spec.columns]


def _source_query(spec: TableSpec, typed: list[tuple[str, str]], ids: bool = False) -> sql.Composed:
    inner = sql.SQL(spec.verify_sql.strip())
    if ids:
        return sql.SQL("SELECT t.id::text, to_jsonb(t) FROM ({}) t WHERE t.id::text = ANY(%(ids)s::text[])"
                       ).format(inner)
    return sql.SQL("SELECT t.id::text, {} FROM ({}) t ORDER BY t.id").format(_row_hash(typed), inner)


def _target_query(spec: TableSpec, typed: list[tuple[str, str]], ids: bool = False) -> sql.Composed:
    schema, table = spec.target.split(".")
    cols = sql.SQL(", ").join(sql.SQL("x.{}").format(sql.Identifier(c)) for c in spec.columns)
    # Users created in the target after the migration are not the source's business.
    only_migrated = sql.SQL(" AND x.migrated_from = 'supabase'" if spec.target == "auth.users" else "")
    inner = sql.SQL("SELECT {} FROM {} x WHERE {}{}").format(cols, sql.Identifier(schema, table), _where(),
                                                            only_migrated)
    if ids:
        return sql.SQL("SELECT t.id::text, to_jsonb(t) FROM ({}) t WHERE t.id::text = ANY(%(ids)s::text[])"
                       ).format(inner)
    return sql.SQL("SELECT t.id::text, {} FROM ({}) t ORDER BY t.id").format(_row_hash(typed), inner)


def _column_diff(src: Connection[Any], tgt: Connection[Any], spec: TableSpec, typed: list[tuple[str, str]],
                 ids: list[str], lo: str | None, hi: str | None) -> dict[str, list[str]]:
    params: dict[str, Any] = {"lo": lo, "hi": hi, "skip": [], "ids": ids}
    left = dict(src.execute(_source_query(spec, typed, ids=True), params).fetchall())
    right = dict(tgt.execute(_target_query(spec, typed, ids=True), params).fetchall())
    return {i: sorted(c for c in spec.columns if left.get(i, {}).get(c) != right.get(i, {}).get(c))
            for i in ids}


def check_chunk(src: Connection[Any], tgt: Connection[Any], spec: TableSpec, typed: list[tuple[str, str]],
                lo: str | None, hi: str | None, quarantined: set[str],
                helper: ThreadPoolExecutor | None = None) -> tuple[TableCheck, list[str], list[str]]:
    """Compare one chunk; returns the partial check and the (id:hash) lines of both sides.

    With a helper pool, the target hashes its side while the source hashes its own."""
    params: dict[str, Any] = {"lo": lo, "hi": hi, "skip": []}

    def target_side() -> list[tuple[Any, ...]]:
        return tgt.execute(_target_query(spec, typed), params).fetchall()

    pending = helper.submit(target_side) if helper else None
    left = src.execute(_source_query(spec, typed), params).fetchall()
    right = pending.result() if pending else target_side()
    check = TableCheck(spec.target)
    src_lines: list[str] = []
    tgt_lines = [f"{r[0]}:{r[1].hex()}" for r in right]
    i = j = 0
    changed: list[str] = []
    while i < len(left) or j < len(right):
        lid = left[i][0] if i < len(left) else None
        rid = right[j][0] if j < len(right) else None
        if rid is None or (lid is not None and lid < rid):
            assert lid is not None
            if lid in quarantined:
                check.quarantined += 1
            else:
                src_lines.append(f"{lid}:{left[i][1].hex()}")
                check.compared += 1
                check.mismatches.append(Mismatch(spec.target, lid, "missing in target"))
            i += 1
        elif lid is None or rid < lid:
            check.mismatches.append(Mismatch(spec.target, rid, "not in source"))
            j += 1
        else:
            check.compared += 1
            src_lines.append(f"{lid}:{left[i][1].hex()}")
            if left[i][1] == right[j][1]:
                check.matched += 1
            else:
                changed.append(lid)
                check.mismatches.append(Mismatch(spec.target, lid, "changed"))
            i += 1
            j += 1
    if changed:
        diff = _column_diff(src, tgt, spec, typed, changed[:MAX_LISTED], lo, hi)
        for m in check.mismatches:
            m.columns = diff.get(m.id, [])
    check.mismatch_count = len(check.mismatches)
    return check, src_lines, tgt_lines


def require_a_run(tgt: Connection[Any]) -> None:
    """Verifying a target no run has loaded would compare a full source with empty tables."""
    exists = tgt.execute("SELECT to_regclass('migration.table_state') IS NOT NULL").fetchone()
    done = exists is not None and bool(exists[0]) and tgt.execute(
        "SELECT EXISTS (SELECT FROM migration.table_state WHERE phase = 'done')").fetchone() == (True,)
    if not done:
        raise SetupError("no migration has run into this target yet: run `oxkair migrate run` first")


def verify(settings: Settings, source_params: dict[str, Any], workers: int = 2) -> list[TableCheck]:
    """Compare every migrated table; a table with no mismatch has equal source and target hashes."""
    tgt = target_connection(settings)
    try:
        require_a_run(tgt)
    except BaseException:
        tgt.close()
        raise
    snapshot = SourceSnapshot(source_params)
    pairs = ConnPairs(snapshot, settings)
    results: list[TableCheck] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool, \
                ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="verify-target") as helper:
            for spec in TABLES:
                typed = column_types(tgt, spec)
                chunks: list[tuple[Any, Any]] = [(r[0], r[1]) for r in tgt.execute(
                    "SELECT lo::text, hi::text FROM migration.chunks WHERE table_name = %s ORDER BY chunk_no",
                    [spec.target]).fetchall()] or [(None, None)]
                quarantined = {str(r[0]) for r in tgt.execute(
                    "SELECT source_id FROM migration.quarantine WHERE table_name = %s", [spec.target])}

                def work(bounds: tuple[Any, Any], spec: TableSpec = spec,
                         typed: list[tuple[str, str]] = typed,
                         quarantined: set[str] = quarantined) -> tuple[TableCheck, list[str], list[str]]:
                    src, tconn = pairs.get()
                    return check_chunk(src, tconn, spec, typed, bounds[0], bounds[1], quarantined, helper)

                total = TableCheck(spec.target)
                src_hash, tgt_hash = hashlib.sha256(), hashlib.sha256()
                for part, src_lines, tgt_lines in pool.map(work, chunks):
                    total.compared += part.compared
                    total.matched += part.matched
                    total.quarantined += part.quarantined
                    total.mismatch_count += part.mismatch_count
                    total.mismatches.extend(part.mismatches[:max(0, MAX_LISTED - len(total.mismatches))])
                    src_hash.update("".join(line + "\n" for line in src_lines).encode())
                    tgt_hash.update("".join(line + "\n" for line in tgt_lines).encode())
                total.source_sha256, total.target_sha256 = src_hash.hexdigest(), tgt_hash.hexdigest()
                results.append(total)
    finally:
        pairs.close()
        snapshot.close()
        tgt.close()
    return results
