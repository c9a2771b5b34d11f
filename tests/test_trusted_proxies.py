"""X-Forwarded-For is believed only from configured proxies (issue 12 probe finding: uvicorn
trusted it from 127.0.0.1 by default, so a local client rotating it was never rate limited)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import psycopg
import pytest

from oxkair.local import LocalServer
from tests.fixtures.serve import free_port, wait_until_healthy

pytestmark = pytest.mark.slow


def _statuses(server: LocalServer, env: dict[str, str], tmp_path: Path, forwarded: list[str]) -> list[int]:
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:  # other tests' hits
        conn.execute("DELETE FROM auth.rate_limits WHERE bucket LIKE 'search:%'")
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["oxkair", "serve", "--port", str(port)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(proc, base, why=log.read_text)
        return [httpx.get(f"{base}/institutions/search", params={"q": "mayo"},
                          headers={"X-Forwarded-For": ip}).status_code for ip in forwarded]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_rotating_x_forwarded_for_changes_nothing_by_default(server: LocalServer, cli_env: dict[str, str],
                                                             tmp_path: Path) -> None:
    # FORWARDED_ALLOW_IPS, uvicorn's own setting, is ignored too.
    env = {**cli_env, "OXKAIR_SEARCH_RATE_PER_IP": "3", "FORWARDED_ALLOW_IPS": "*"}
    got = _statuses(server, env, tmp_path, [f"203.0.113.{n}" for n in range(1, 7)])
    assert got[:3] == [200, 200, 200] and set(got[3:]) == {429}, got


def test_a_configured_proxys_header_is_believed(server: LocalServer, cli_env: dict[str, str],
                                                tmp_path: Path) -> None:
    env = {**cli_env, "OXKAIR_SEARCH_RATE_PER_IP": "3", "OXKAIR_TRUSTED_PROXIES": "127.0.0.1"}
    got = _statuses(server, env, tmp_path, [f"198.51.100.{n}" for n in range(1, 7)])
    assert got == [200] * 6, got  # each forwarded address has its own budget
