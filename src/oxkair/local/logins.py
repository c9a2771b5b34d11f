"""The embedded server's logins: the access model's roles (schema/roles.sql), then a password
for each login the embedded server offers beside its admin (the API's, the data migration's,
the auditor's). On Azure these logins are made by the operator (docs/operations.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg import Connection

from oxkair.schema.roles import apply_roles


def create_logins(conn: Connection[Any], roles: tuple[str, ...], password: Callable[[str], str]) -> None:
    """As the embedded admin: the roles, then LOGIN with a SCRAM verifier for each of `roles`
    (the password never travels in clear text, not even to the local server)."""
    apply_roles(conn)
    for role in roles:
        verifier = conn.pgconn.encrypt_password(password(role).encode(), role.encode(),
                                                b"scram-sha-256").decode()
        conn.execute(f"ALTER ROLE {role} LOGIN PASSWORD '{verifier}'")
