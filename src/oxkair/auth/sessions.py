"""Session liveness (revocation, idle and absolute timeouts) checked in PostgreSQL, briefly cached."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any

from oxkair.db import as_end_user


def new_refresh_token() -> tuple[str, bytes]:
    """An opaque refresh token (256 random bits) and the sha256 that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class SessionCheck:
    """Asks auth.check_session (which also restarts the idle clock); a live answer is trusted
    for `ttl` seconds by this replica. Revocations made here are seen at once; those made by
    another replica within `ttl` (0 disables the cache)."""

    def __init__(self, pool: Any, ttl: float) -> None:
        self.pool, self.ttl = pool, ttl
        self._live: dict[str, float] = {}
        self._lock = threading.Lock()

    def cached(self, session_id: str) -> bool:
        if self.ttl <= 0:
            return False
        with self._lock:
            until = self._live.get(session_id)
        return until is not None and until > time.monotonic()

    def check(self, session_id: str, client_addr: str | None) -> bool:
        if self.cached(session_id):
            return True
        with self.pool.connection() as conn, as_end_user(conn, None, client_addr):
            row = conn.execute("SELECT auth.check_session(%s)", [session_id]).fetchone()
        live = bool(row and row[0])
        with self._lock:
            if live and self.ttl > 0:
                if len(self._live) > 100_000:
                    self._live.clear()
                self._live[session_id] = time.monotonic() + self.ttl
            else:
                self._live.pop(session_id, None)
        return live

    def forget(self, *session_ids: str) -> None:
        with self._lock:
            for session_id in session_ids:
                self._live.pop(str(session_id), None)
