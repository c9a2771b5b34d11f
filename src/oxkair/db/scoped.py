"""The RLS scope of an end user: the one way every path (the API, /rest/v1, the auth functions,
the tests) acts for a caller in the database."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from psycopg import Connection

# The whole RLS scope in one statement: set_config('role', …, true) is SET LOCAL ROLE (the same
# membership check), then the verified claims and the client address.
SCOPE_SQL = (
    "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
    " set_config('request.client_addr', %s, true)"
)


def scope_params(claims: Mapping[str, Any] | None, client_addr: str | None) -> list[str]:
    """SCOPE_SQL's parameters: oxkair_authenticated with claims that have a `sub`, else oxkair_anon.

    The claims must come from a verified token: they are the whole of the caller's authority."""
    role = "oxkair_authenticated" if claims and claims.get("sub") else "oxkair_anon"
    return [role, json.dumps(dict(claims or {})), client_addr or ""]


@contextmanager
def as_end_user(conn: Connection[Any], claims: Mapping[str, Any] | None,
                client_addr: str | None = None) -> Iterator[Connection[Any]]:
    """One transaction as oxkair_authenticated (claims with a `sub`) or oxkair_anon."""
    with conn.transaction():
        conn.execute(SCOPE_SQL, scope_params(claims, client_addr))
        yield conn
