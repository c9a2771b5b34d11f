"""Brute force and enumeration: per-account lockout with backoff, per-IP limits, shared by
replicas through PostgreSQL; unknown and known emails indistinguishable, timing included."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from tests.fixtures.api import PASSWORD, Account, audit_actions, next_ip, unique_email

WRONG = "definitely not the password"


def login(c: TestClient, email: str, password: str = WRONG) -> Any:
    return c.post("/auth/token", json={"email": email, "password": password})


def test_account_locks_after_repeated_failures_and_backs_off(
    make_client: Callable[..., TestClient],
    make_account: Callable[..., Account],
    superuser: psycopg.Connection[Any],
) -> None:
    c = make_client(oxkair_lockout_threshold=3, oxkair_lockout_base_seconds=30)
    account = make_account(via=c)
    assert [login(c, account.email).status_code for _ in range(3)] == [401, 401, 401]
    r = login(c, account.email, PASSWORD)  # even the right password, while locked
    assert r.status_code == 429
    assert 25 <= int(r.headers["retry-after"]) <= 30
    row = superuser.execute(
        "SELECT failed_login_count, locked_until > now() FROM auth.users WHERE id = %s", [account.id]
    ).fetchone()
    assert row == (3, True)
    assert "AUTH_LOCKOUT" in audit_actions(superuser, account.id)
    # Backoff: once the lock ends, the next failure locks twice as long.
    superuser.execute(
        "UPDATE auth.login_failures SET locked_until = now() - interval '1 second'"
        " WHERE email_key = encode(sha256(convert_to(lower(%s), 'UTF8')), 'hex')",
        [account.email],
    )
    assert login(c, account.email).status_code == 401
    r = login(c, account.email, PASSWORD)
    assert r.status_code == 429 and 55 <= int(r.headers["retry-after"]) <= 60


def test_lockout_is_shared_by_every_replica(
    make_client: Callable[..., TestClient], make_account: Callable[..., Account]
) -> None:
    one = make_client(oxkair_lockout_threshold=2)
    other = make_client(oxkair_lockout_threshold=2)  # another API process, same database
    account = make_account(via=one)
    login(one, account.email)
    login(one, account.email)
    assert login(other, account.email, PASSWORD).status_code == 429


def test_success_resets_the_failure_count(
    make_client: Callable[..., TestClient],
    make_account: Callable[..., Account],
    superuser: psycopg.Connection[Any],
) -> None:
    c = make_client(oxkair_lockout_threshold=3)
    account = make_account(via=c)
    login(c, account.email)
    login(c, account.email)
    assert login(c, account.email, PASSWORD).status_code == 200
    login(c, account.email)
    login(c, account.email)
    assert login(c, account.email, PASSWORD).status_code == 200
    assert superuser.execute(
        "SELECT failed_login_count FROM auth.users WHERE id = %s", [account.id]
    ).fetchone() == (0,)


def test_unknown_email_locks_exactly_like_a_known_one(
    make_client: Callable[..., TestClient], make_account: Callable[..., Account]
) -> None:
    c = make_client(oxkair_lockout_threshold=3)
    known, unknown = make_account(via=c).email, unique_email()
    answers = {email: [login(c, email) for _ in range(4)] for email in (known, unknown)}
    for k, u in zip(answers[known], answers[unknown], strict=True):
        assert (k.status_code, k.json()) == (u.status_code, u.json())
    assert answers[known][-1].status_code == 429


def test_per_ip_rate_limit_is_shared_by_replicas(make_client: Callable[..., TestClient]) -> None:
    ip = next_ip()
    one = make_client(ip=ip, oxkair_login_rate_per_ip=5, oxkair_lockout_threshold=100)
    other = make_client(ip=ip, oxkair_login_rate_per_ip=5, oxkair_lockout_threshold=100)
    statuses = [login(one if i % 2 else other, unique_email()).status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    r = login(one, unique_email())
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # Another address is not affected.
    assert login(make_client(oxkair_login_rate_per_ip=5), unique_email()).status_code == 401


def test_rate_limits_cover_recovery_and_signup(
    make_client: Callable[..., TestClient], institution_id: str
) -> None:
    c = make_client(oxkair_login_rate_per_ip=3)
    statuses = [c.post("/auth/recover", json={"email": unique_email()}).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_login_time_does_not_reveal_whether_an_email_is_registered(
    make_client: Callable[..., TestClient], make_account: Callable[..., Account]
) -> None:
    c = make_client(oxkair_lockout_threshold=1000)
    known = make_account(via=c).email

    def timed(email: str) -> float:
        start = time.perf_counter()
        assert login(c, email).status_code == 401
        return time.perf_counter() - start

    timed(known), timed(unique_email())  # warm up
    known_times = [timed(known) for _ in range(7)]
    unknown_times = [timed(unique_email()) for _ in range(7)]
    ratio = statistics.median(unknown_times) / statistics.median(known_times)
    # Without the dummy verification an unknown address answers ~10x faster (ratio ~0.1);
    # the wide band keeps a loaded CI machine from failing an equal pair.
    assert 0.5 < ratio < 2.0, (known_times, unknown_times)


def test_locked_answer_time_does_not_reveal_the_account(
    make_client: Callable[..., TestClient], make_account: Callable[..., Account]
) -> None:
    c = make_client(oxkair_lockout_threshold=1)
    known, unknown = make_account(via=c).email, unique_email()
    login(c, known), login(c, unknown)

    def timed(email: str) -> float:
        start = time.perf_counter()
        assert login(c, email).status_code == 429
        return time.perf_counter() - start

    known_times = [timed(known) for _ in range(5)]
    unknown_times = [timed(unknown) for _ in range(5)]
    ratio = statistics.median(unknown_times) / statistics.median(known_times)
    assert 0.5 < ratio < 2.0


def test_failures_after_a_quiet_day_start_a_new_count(
    make_client: Callable[..., TestClient],
    make_account: Callable[..., Account],
    superuser: psycopg.Connection[Any],
) -> None:
    c = make_client(oxkair_lockout_threshold=3)
    account = make_account(via=c)
    login(c, account.email)
    login(c, account.email)
    superuser.execute(
        "UPDATE auth.login_failures SET last_failure_at = now() - interval '25 hours'"
        " WHERE email_key = encode(sha256(convert_to(lower(%s), 'UTF8')), 'hex')",
        [account.email],
    )
    login(c, account.email)
    assert login(c, account.email, PASSWORD).status_code == 200


def test_prune_removes_only_stale_rows(superuser: psycopg.Connection[Any]) -> None:
    key = unique_email()
    superuser.execute(
        "INSERT INTO auth.rate_limits (bucket, window_start, hits) VALUES (%s, now() - interval '2 days', 1),"
        " (%s, now(), 1)",
        [f"old:{key}", f"new:{key}"],
    )
    superuser.execute("SELECT auth.prune()")
    rows = superuser.execute(
        "SELECT bucket FROM auth.rate_limits WHERE bucket LIKE %s", [f"%{key}"]
    ).fetchall()
    assert rows == [(f"new:{key}",)]
    superuser.execute("DELETE FROM auth.rate_limits WHERE bucket LIKE %s", [f"%{key}"])
