"""RLS-scoped transactions: how the API (and the tests) act for one end user."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from psycopg import Connection


@contextmanager
def as_end_user(conn: Connection[Any], claims: Mapping[str, Any] | None,
                client_addr: str | None = None) -> Iterator[Connection[Any]]:
    """One transaction as oxkair_authenticated (claims with a `sub`) or oxkair_anon.

    The claims must come from a verified token: they are the whole of the caller's authority.
    """
    role = "oxkair_authenticated" if claims and claims.get("sub") else "oxkair_anon"
    with conn.transaction():
        conn.execute(f"SET LOCAL ROLE {role}")  # one of two constants, never input
        conn.execute(
            "SELECT set_config('request.jwt.claims', %s, true),"
            " set_config('request.client_addr', %s, true)",
            [json.dumps(dict(claims or {})), client_addr or ""],
        )
        yield conn
