"""`oxkair migrate run`: classify (classify.py), then stream every table chunk by chunk, resumable and
idempotent; the accounting and report: accounting.py.

A chunk is one target transaction: COPY (binary) from the shared source snapshot into a fresh
unlogged stage table, INSERT ... SELECT into the target table (its policies, constraints and
triggers apply), mark the chunk done. Killed at any point, the transaction rolls back and a rerun
redoes exactly the unfinished chunks.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import Connection, sql

from oxkair.config import Settings
from oxkair.errors import OxkairError
from oxkair.migrate import archive as archive_mod
from oxkair.migrate.accounting import (
    ARCHIVE_STATE,
    RunResult,
    finish_table,
    table_results,
    table_states,
    write_report,
)
from oxkair.migrate.ahead import Ahead
from oxkair.migrate.classify import classify
from oxkair.migrate.conn import ConnPairs, SourceSnapshot, describe, target_connection
from oxkair.migrate.crash_points import KillSwitch
from oxkair.migrate.plan import count_rows, inspect
from oxkair.migrate.status import suspended_indexes
from oxkair.migrate.tables import REMOVED_TABLES, TABLES, TableSpec, ident


@dataclass
class RunOptions:
    source_params: dict[str, Any]
    chunk_rows: int = 5000
    # A chunk is first source-bound (COPY out), then target-bound (INSERT ... SELECT): a third
    # worker keeps both servers busy on two cores (measured: same CPU, less time). At most
    # workers - 1 chunks insert at once (see copy_chunk).
    workers: int = 3
    archive_dir: Path | None = None
    archive_key: bytes | None = None  # None with archive_dir None: --no-archive
    report_path: Path | None = None


class Progress:
    """What the CLI shows: a bar per table (rows, rows/s, ETA). No-op by default."""

    def start(self, table: str, total: int) -> None: ...
    def advance(self, table: str, rows: int) -> None: ...
    def finish(self, table: str) -> None: ...
    def note(self, message: str) -> None: ...


def _expected_states(options: RunOptions) -> list[str]:
    names = [t.target for t in TABLES] + list(REMOVED_TABLES)
    return [*names, ARCHIVE_STATE] if options.archive_key else names


# ───────────────────────────────────────────────────────────── one chunk
def copy_chunk(src: Connection[Any], tgt: Connection[Any], spec: TableSpec, chunk_no: int,
               lo: str | None, hi: str | None, skip: list[str], kill: KillSwitch,
               inserting: threading.Semaphore) -> int | None:
    """Load one chunk in one target transaction; None when it was already done.

    `inserting` bounds how many chunks run their INSERT at once. Left alone, equal chunks keep
    the workers in step: all copy (source-bound) while the target idles, then all insert while
    the source idles. With one slot fewer than workers, one worker is always copying while the
    others insert (measured at 100k notes: the machine's two cores busy ~1.4 -> ~2.0)."""
    started = time.monotonic()
    cols = sql.SQL(", ").join(map(sql.Identifier, spec.columns))
    stage = sql.Identifier("migration_stage", f"{spec.sql_name}_{chunk_no}")
    digest = hashlib.sha256()
    with tgt.transaction():
        tgt.execute("SET LOCAL oxkair.bulk_load = 'on'")
        # Safe: the checkpoint commits with the rows; a lost commit loses both, and is redone.
        tgt.execute("SET LOCAL synchronous_commit = off")
        # The bulk check's transition table holds the chunk's rows as inserted (~35 MB for 5,000
        # cases): with the default 4 MB it spilled, ~640 MB of temp files per 100k cases.
        tgt.execute("SET LOCAL work_mem = '64MB'")
        row = tgt.execute("SELECT done FROM migration.chunks WHERE table_name = %s AND chunk_no = %s"
                          " FOR UPDATE", [spec.target, chunk_no]).fetchone()
        if row is None or row[0]:
            return None
        _create_stage(tgt, stage, cols, spec)
        query = sql.SQL("COPY ({}) TO STDOUT (FORMAT binary)").format(sql.SQL(spec.transform_sql.strip()))
        params = {"lo": lo, "hi": hi, "skip": skip}
        # (Writing from a second thread, psycopg's QueuedLibpqWriter, was measured: it costs the
        # target ~30% more CPU and this process ~60% more, for no gain in time.)
        with src.cursor().copy(query, params) as cin, tgt.cursor().copy(
                sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(stage, cols)) as cout:
            for block in cin:
                digest.update(block)
                cout.write(block)
        with inserting:
            loaded = _move(tgt, spec, stage, cols)
        tgt.execute(sql.SQL("DROP TABLE {}").format(stage))
        tgt.execute("UPDATE migration.chunks SET done = true, rows_copied = %s, content_sha256 = %s,"
                    " seconds = %s, done_at = now() WHERE table_name = %s AND chunk_no = %s",
                    [loaded, digest.hexdigest(), time.monotonic() - started, spec.target, chunk_no])
        kill.hit("before_commit")
    kill.hit("after_chunk")
    return loaded


def _create_stage(tgt: Connection[Any], stage: sql.Identifier, cols: sql.Composable, spec: TableSpec) -> None:
    """An unlogged table shaped like the target's columns, where rows are neither compressed nor
    moved out of line unless they exceed a page: the target's own TOAST does that work once."""
    tgt.execute(sql.SQL("CREATE UNLOGGED TABLE {} WITH (toast_tuple_target = 8160, autovacuum_enabled = off)"
                        " AS SELECT {} FROM {} WITH NO DATA").format(stage, cols, ident(spec.target)))
    wide = [str(r[0]) for r in tgt.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND attstorage = 'x'",
        [stage.as_string(tgt)]).fetchall()]
    if wide:
        tgt.execute(sql.SQL("ALTER TABLE {} {}").format(stage, sql.SQL(", ").join(
            sql.SQL("ALTER COLUMN {} SET STORAGE EXTERNAL").format(sql.Identifier(c)) for c in wide)))


def _move(tgt: Connection[Any], spec: TableSpec, stage: sql.Identifier, cols: sql.Composable) -> int:
    """INSERT the staged rows; rows the target refuses go to the quarantine, one by one."""
    select = sql.SQL(spec.load_select_sql) if spec.load_select_sql else cols
    insert = sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} s").format(
        ident(spec.target), cols, select, stage)
    try:
        with tgt.transaction():
            return tgt.execute(insert).rowcount
    except psycopg.errors.IntegrityError:
        pass  # the plan should have caught it; find the rows and keep them aside
    loaded = 0
    ids = [str(r[0]) for r in tgt.execute(sql.SQL("SELECT id::text FROM {} ORDER BY id").format(stage))]
    one = sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} s WHERE s.id = %s::uuid").format(
        ident(spec.target), cols, select, stage)
    for row_id in ids:
        try:
            with tgt.transaction():
                loaded += tgt.execute(one, [row_id]).rowcount
        except psycopg.errors.IntegrityError as exc:
            reason = (f"refused by the target ({exc.diag.constraint_name or exc.sqlstate}): "
                      f"{exc.diag.message_primary}")
            tgt.execute(sql.SQL("INSERT INTO migration.quarantine (table_name, source_id, reason, row_data)"
                                " SELECT %s, %s, %s, to_jsonb(s) FROM {} s WHERE s.id = %s::uuid"
                                " ON CONFLICT DO NOTHING").format(stage),
                        [spec.target, row_id, reason, row_id])
    return loaded


# ───────────────────────────────────────────────────────────── the run
def run(settings: Settings, options: RunOptions, progress: Progress | None = None,
        make_target: Callable[[], object] | None = None) -> RunResult:
    """Migrate everything not yet migrated; a rerun after success changes nothing.

    `make_target` makes a target that does not exist yet (the embedded server's first start):
    the source side is started first and works while the target is made (ahead.py)."""
    progress = progress or Progress()
    kill = KillSwitch()
    if make_target is None:
        return _run(settings, options, progress, kill, None)
    ahead = _start_ahead(options, progress, kill)
    try:
        make_target()
        return _run(settings, options, progress, kill, ahead)
    finally:
        ahead.close()
        ahead.snapshot.close()


def _start_ahead(options: RunOptions, progress: Progress, kill: KillSwitch) -> Ahead:
    snapshot = SourceSnapshot(options.source_params)
    ahead = Ahead(snapshot)
    try:
        _check_source(snapshot.leader)  # a source we cannot migrate: no target is made
        _start_archive(ahead, options, progress, kill)
        ahead.start_classifying(options.chunk_rows)
    except BaseException:
        ahead.close()
        snapshot.close()
        raise
    return ahead


def _start_archive(side: Ahead, options: RunOptions, progress: Progress, kill: KillSwitch) -> None:
    """The archive, unless --no-archive: it only reads the source, so it runs beside the rest."""
    if options.archive_key and options.archive_dir:
        progress.note(f"archiving removed tables and columns to {options.archive_dir}")
        side.start_archive(options.archive_dir, options.archive_key, kill)


def _run(settings: Settings, options: RunOptions, progress: Progress, kill: KillSwitch,
         ahead: Ahead | None) -> RunResult:
    tgt = target_connection(settings)
    try:
        locked = tgt.execute("SELECT pg_try_advisory_lock(hashtext('oxkair migrate run'))").fetchone()
        if not (locked and locked[0]):
            raise OxkairError("another `oxkair migrate run` is working on this target; wait for it "
                              "(`oxkair migrate status`)")
        if all(table_states(tgt).get(name) == "done" for name in _expected_states(options)):
            return RunResult(table_results(tgt), nothing_to_do=True)
        snapshot = ahead.snapshot if ahead else SourceSnapshot(options.source_params)
        pairs = ConnPairs(snapshot, settings)
        row = tgt.execute("INSERT INTO migration.run_log (source) VALUES (%s) RETURNING id",
                          [describe(options.source_params)]).fetchone()
        assert row
        run_id = int(row[0])
        side = ahead or Ahead(snapshot)  # into an existing target: the archive beside the copy
        try:
            if side is not ahead:
                _check_source(snapshot.leader)
                if table_states(tgt).get(ARCHIVE_STATE) != "done":
                    _start_archive(side, options, progress, kill)
            inserting = threading.BoundedSemaphore(max(1, options.workers - 1))
            with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
                for spec in TABLES:
                    _run_table(spec, snapshot, pairs, tgt, pool, options, progress, kill, inserting, ahead)
            _excluded_tables(snapshot.leader, tgt, options, side.archive.result() if side.archive else None)
        finally:
            if side is not ahead:
                side.close()
            pairs.close()
            snapshot.close()
        result = RunResult(table_results(tgt), archive_dir=options.archive_dir)
        if options.report_path:
            result.report_path = write_report(tgt, options.report_path)
        tgt.execute("UPDATE migration.run_log SET finished_at = now(), outcome = %s, detail = %s"
                    " WHERE id = %s",
                    ["balanced" if result.balanced else "unbalanced",
                     json.dumps({t.table: vars(t) for t in result.tables}), run_id])
        return result
    finally:
        tgt.close()


def _check_source(src: Connection[Any]) -> None:
    problems = [f"{i.name} is missing" if not i.exists else f"{i.name} lacks {', '.join(i.missing_columns)}"
                for i in inspect(src) if i.name in {t.source for t in TABLES}
                and (not i.exists or i.missing_columns)]
    if problems:
        raise OxkairError("the source does not have the expected schema: " + "; ".join(problems))


def _run_table(spec: TableSpec, snapshot: SourceSnapshot, pairs: ConnPairs, tgt: Connection[Any],
               pool: ThreadPoolExecutor, options: RunOptions, progress: Progress, kill: KillSwitch,
               inserting: threading.Semaphore, ahead: Ahead | None) -> None:
    state = table_states(tgt).get(spec.target)
    if state == "done":
        return
    if state is None:
        classify(snapshot.leader, tgt, spec, options.chunk_rows,
                 ahead.classification(spec.target) if ahead else None)
        kill.hit("after_classify")
    skip = sorted(str(r[0]) for r in tgt.execute(
        "SELECT source_id FROM migration.quarantine WHERE table_name = %s", [spec.target]))
    chunks = tgt.execute("SELECT chunk_no, lo::text, hi::text, done, coalesce(rows_copied, 0)"
                         " FROM migration.chunks WHERE table_name = %s ORDER BY chunk_no",
                         [spec.target]).fetchall()
    row = tgt.execute("SELECT source_rows FROM migration.table_state WHERE table_name = %s",
                      [spec.target]).fetchone()
    assert row
    progress.start(spec.target, max(0, int(row[0]) - len(skip)))
    progress.advance(spec.target, sum(int(c[4]) for c in chunks if c[3]))

    def work(chunk: tuple[Any, ...]) -> None:
        src, tconn = pairs.get()
        lo, hi = chunk[1], chunk[2]
        # Canonical uuid text sorts like the uuid: only this chunk's quarantined ids go along.
        mine = [i for i in skip if (lo is None or i >= lo) and (hi is None or i < hi)]
        loaded = copy_chunk(src, tconn, spec, int(chunk[0]), lo, hi, mine, kill, inserting)
        if loaded is not None:
            progress.advance(spec.target, loaded)

    if spec.bulk_load and not all(c[3] for c in chunks):
        # Secondary indexes built and foreign keys checked once after the load, when the table
        # starts empty (0140, 0150); one statement, so both or neither.
        tgt.execute("SELECT migration.suspend_case_indexes(), migration.suspend_case_foreign_keys()")
        kill.hit("indexes_suspended")
    for future in [pool.submit(work, c) for c in chunks if not c[3]]:
        future.result()
    if spec.bulk_load:  # what this run suspended, or a run killed before this point
        _restore_after_load(tgt, pairs, pool, inserting, kill)
    finish_table(tgt, spec)
    progress.finish(spec.target)


def _restore_after_load(tgt: Connection[Any], pairs: ConnPairs, pool: ThreadPoolExecutor,
                        inserting: threading.Semaphore, kill: KillSwitch) -> None:
    """Build the indexes suspended for the load side by side, as many at once as chunks insert
    at once (the cores: 0.84 -> 0.50 s for the six at 100k cases on two), then add the foreign
    keys back, each checked over the whole table (0140, 0150)."""
    def build(name: str) -> None:
        _, conn = pairs.get()
        with inserting:
            conn.execute("SELECT migration.restore_case_index(%s)", [name])

    for future in [pool.submit(build, name) for name in suspended_indexes(tgt)]:
        future.result()
    kill.hit("indexes_restored")
    try:
        tgt.execute("SELECT migration.restore_case_foreign_keys()")
    except psycopg.errors.ForeignKeyViolation as exc:
        raise OxkairError(
            f"a migrated case breaks {exc.diag.constraint_name} ({exc.diag.message_detail}); the key"
            " stays off and recorded (`oxkair migrate status`): correct the case, then run"
            " `oxkair migrate run` again") from None


def _excluded_tables(src: Connection[Any], tgt: Connection[Any], options: RunOptions,
                     manifest_sha: str | None) -> None:
    """Removed tables are excluded by design: archived (unless --no-archive) and counted."""
    state = table_states(tgt)
    if manifest_sha and options.archive_key:
        with tgt.transaction():
            tgt.execute("DELETE FROM migration.table_state WHERE table_name = %s", [ARCHIVE_STATE])
            tgt.execute("INSERT INTO migration.table_state (table_name, phase, source_rows, content_sha256,"
                        " done_at) VALUES (%s, 'done', 0, %s, now())", [ARCHIVE_STATE, manifest_sha])
            detail = {"actor": "migration", "manifest_sha256": manifest_sha,
                      "key_id": archive_mod.key_id(options.archive_key),
                      "directory": str(options.archive_dir)}
            tgt.execute("SELECT audit.log_migration('MIGRATION_ARCHIVE', NULL, %s)", [json.dumps(detail)])
    for relation in REMOVED_TABLES:
        if state.get(relation) == "done":
            continue
        exists = src.execute("SELECT to_regclass(%s) IS NOT NULL", [relation]).fetchone()
        rows = count_rows(src, relation) if exists and exists[0] else 0
        with tgt.transaction():
            tgt.execute("INSERT INTO migration.table_state (table_name, phase, source_rows, excluded,"
                        " done_at) VALUES (%s, 'done', %s, %s, now())", [relation, rows, rows])
            excluded: dict[str, Any] = {"actor": "migration", "source_rows": rows, "excluded": rows,
                                        "archived": bool(options.archive_key)}
            tgt.execute("SELECT audit.log_migration('MIGRATION_EXCLUDED', %s, %s)",
                        [relation, json.dumps(excluded)])
