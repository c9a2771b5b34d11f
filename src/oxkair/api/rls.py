"""RLS-scoped transactions of the API: one round trip sets the scope, one thread hop per request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import dict_row

from oxkair.db.scoped import SCOPE_SQL, scope_params


@dataclass(frozen=True)
class Rls:
    """What a request may do in the database: its verified claims (None: anonymous) and address.

    Routes are plain `def` functions (FastAPI runs each in its thread pool: one hop per request)
    and open the transaction themselves, so it commits (the PHI access log with it) before the
    answer is built. Blocking psycopg in a thread costs less CPU per statement than its asyncio
    flavour, and each in-flight request waits on its own socket, as the benchmark's anchor does."""

    pool: Any  # psycopg_pool.ConnectionPool of the oxkair_api login
    claims: Mapping[str, Any] | None
    client_addr: str | None

    @contextmanager
    def transaction(self) -> Iterator[Connection[Any]]:
        """One transaction as the caller: BEGIN, the scope, the block's statements, COMMIT."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(SCOPE_SQL, scope_params(self.claims, self.client_addr))
            yield conn

    def fetch_committed(self, statement: sql.Composed, params: list[Any]) -> list[dict[str, Any]]:
        """One statement in its own transaction, its rows once committed. BEGIN, the scope, the
        statement and COMMIT travel in one pipeline: one round trip, and no lock the statement
        takes is held while the server waits for this client."""
        with self.pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            with conn.pipeline(), conn.transaction():
                conn.execute(SCOPE_SQL, scope_params(self.claims, self.client_addr))
                cur.execute(statement, params)
            rows: list[dict[str, Any]] = cur.fetchall()
            return rows
