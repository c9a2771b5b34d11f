"""The access model's roles (roles.sql): cluster-wide, created by the server admin before the
migrations and again by every upgrade (idempotent). Kept apart from the migration runner so the
embedded server can create them without importing the connection layer."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from psycopg import Connection

ROLES_SQL = Path(str(files("oxkair.schema"))) / "roles.sql"


def apply_roles(conn: Connection[Any]) -> None:
    """Create the access model's roles (idempotent). Needs CREATEROLE, never a superuser."""
    conn.execute(ROLES_SQL.read_text())
