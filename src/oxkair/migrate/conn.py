"""Connections of the migration: the source (one shared snapshot) and the target (as the migrator)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import Connection, sql
from psycopg.conninfo import conninfo_to_dict

from oxkair.config import WEAK_SSLMODES, Settings
from oxkair.db import connect
from oxkair.errors import OxkairError
from oxkair.target import role_params

MIGRATOR = "oxkair_migrator"
# Both sides render values identically, so row hashes of equal rows are equal.
SESSION_SQL = ("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
               " SET extra_float_digits = 3; SET bytea_output = 'hex'")
# No JIT on either side: a chunk's INSERT ... SELECT from its fresh stage table (no statistics, so
# the planner guesses 13x the rows) crossed jit_above_cost and spent ~215 ms of ~930 compiling
# code it ran once (EXPLAIN ANALYZE, 5,000 notes); the migration's queries each run once anyway.
NO_JIT_SQL = "SET jit = off"


def source_params(url: str, warn: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Connection parameters of a source URL: TLS verify-full unless the URL says otherwise."""
    try:
        params: dict[str, Any] = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise OxkairError("--source is not a PostgreSQL connection URL") from exc
    params.setdefault("sslmode", "verify-full")
    if params["sslmode"] in WEAK_SSLMODES and warn:
        warn(f"source sslmode={params['sslmode']} does not verify the server's identity; "
             "use verify-full with sslrootcert (Supabase publishes its CA certificate)")
    params.setdefault("application_name", "oxkair migrate")
    return params


def describe(params: dict[str, Any]) -> str:
    """The source without credentials, for logs and the run log."""
    return f"{params.get('host', 'localhost')}:{params.get('port', 5432)}/{params.get('dbname', '')}"


class SourceSnapshot:
    """One REPEATABLE READ snapshot of the source, exported so that parallel readers share it."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.leader = self._open()
        row = self.leader.execute("SELECT pg_export_snapshot()").fetchone()
        assert row
        self.snapshot_id = str(row[0])

    def _open(self) -> Connection[Any]:
        conn = connect(self.params, autocommit=True)
        conn.execute(SESSION_SQL)
        conn.execute(NO_JIT_SQL)
        # The chunks are the parallelism (--workers): a chunk's query forking parallel workers
        # of its own only adds process start-ups and contention (measured on the source).
        conn.execute("SET max_parallel_workers_per_gather = 0")
        # A chunk of 5,000 cases sorts ~7.5 MB of rows (values still toasted): over the default
        # 4 MB it was an external merge on disk, ~166 MB of temp files per 100k cases.
        conn.execute("SET work_mem = '16MB'")
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return conn

    def reader(self) -> Connection[Any]:
        """Another connection that sees exactly the leader's snapshot."""
        conn = self._open()
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(self.snapshot_id)))
        return conn

    def close(self) -> None:
        self.leader.close()


def target_connection(settings: Settings) -> Connection[Any]:
    """The target as oxkair_migrator: its own login locally; on Azure the admin, SET ROLE."""
    conn = connect(role_params(settings, MIGRATOR), autocommit=True)
    row = conn.execute("SELECT session_user::text, pg_has_role(session_user, %s, 'MEMBER')",
                       [MIGRATOR]).fetchone()
    assert row
    user, member = str(row[0]), bool(row[1])
    if user != MIGRATOR:
        if not member:
            conn.close()
            raise OxkairError(f"{user} may not act as {MIGRATOR}: as the server admin run "
                              f"GRANT {MIGRATOR} TO \"{user}\" (docs/migration.md)")
        conn.execute(f"SET ROLE {MIGRATOR}")
    conn.execute(SESSION_SQL)
    conn.execute(NO_JIT_SQL)
    return conn


class ConnPairs:
    """Per worker thread: one source reader (shared snapshot) and one target connection."""

    def __init__(self, snapshot: SourceSnapshot, settings: Settings) -> None:
        self.snapshot = snapshot
        self.settings = settings
        self._local = threading.local()
        self._all: list[Connection[Any]] = []
        self._lock = threading.Lock()

    def get(self) -> tuple[Connection[Any], Connection[Any]]:
        pair = getattr(self._local, "pair", None)
        if pair is None:
            pair = (self.snapshot.reader(), target_connection(self.settings))
            self._local.pair = pair
            with self._lock:
                self._all.extend(pair)
        return pair

    def close(self) -> None:
        for conn in self._all:
            conn.close()
