"""20 concurrent refreshes of one refresh token: exactly one succeeds; the reuse ends the session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from oxkair.auth.errors import AuthError
from tests.fixtures.api import Account, audit_actions


def test_concurrent_refreshes_of_one_token(
    client: TestClient, make_account: Callable[..., Account], superuser: psycopg.Connection[Any]
) -> None:
    account = make_account()
    service = client.app.state.auth_service  # type: ignore[attr-defined]
    barrier = threading.Barrier(20)
    results: list[Any] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            outcome: Any = service.refresh(account.refresh_token, "10.252.0.1")
        except AuthError as exc:
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    successes = [r for r in results if not isinstance(r, AuthError)]
    failures = [r for r in results if isinstance(r, AuthError)]
    assert len(results) == 20
    assert len(successes) == 1
    assert all(f.status == 401 for f in failures)
    # The losers were reuse: the session is revoked, so even the winner's new tokens are dead.
    winner = successes[0]
    assert client.post("/auth/token/refresh", json={"refresh_token": winner.refresh_token}).status_code == 401
    assert (
        client.get("/auth/user", headers={"Authorization": f"Bearer {winner.access_token}"}).status_code
        == 401
    )
    assert "AUTH_REFRESH_REUSE" in audit_actions(superuser, account.id)
