"""Queued emails are read only by `oxkair outbox`, never by the API's login (issue 12 probe finding)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest


@pytest.mark.parametrize("role", ["oxkair_anon", "oxkair_authenticated"])
@pytest.mark.parametrize("statement", ["SELECT body FROM auth.outbox_pending(100)",
                                       "SELECT auth.outbox_mark(1, NULL)",
                                       "SELECT body FROM auth.outbox"])
def test_the_api_login_cannot_read_queued_emails(login: Any, role: str, statement: str) -> None:
    """Bodies hold live verification and reset links (issue 12 probe finding)."""
    with login("oxkair_api") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT set_config('role', %s, false)", [role])
        conn.execute(statement)
