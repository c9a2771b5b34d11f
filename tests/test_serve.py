"""`oxkair serve` as a process: several workers answer, Ctrl-C stops them all, and the access
log never carries a query string (email links and the domain suggestion put PHI there)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from oxkair.api.security import AccessLogFormatter
from oxkair.local import LocalServer
from oxkair.local.cluster import LOGIN_ROLES
from tests.fixtures.serve import free_port, wait_until_healthy

pytestmark = pytest.mark.slow


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        for child in map(int, text):
            found |= {child, *_children(child)}
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (the container's init may reap exited processes late)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _is_worker(pid: int) -> bool:
    """A uvicorn worker (multiprocessing's spawn), not multiprocessing's resource tracker."""
    return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()


def _gone_within(pids: set[int], seconds: float) -> list[int]:
    """Those of `pids` still running after up to `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("203.0.113.9:50000", "GET", path, "1.1", 200), None)


def test_access_log_line_drops_the_query_string() -> None:
    line = AccessLogFormatter().format(_access_record("/institutions/suggest?email=jane.doe%40mayo.org"))
    assert line.endswith(' INFO: 203.0.113.9:50000 - "GET /institutions/suggest?… HTTP/1.1" 200')
    assert "jane" not in line and "mayo" not in line
    assert AccessLogFormatter().format(_access_record("/cases")).endswith('"GET /cases HTTP/1.1" 200')
    other = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, "Started server process [%d]",
                              (42,), None)
    assert AccessLogFormatter("%(message)s").format(other) == "Started server process [42]"


def test_serve_with_two_workers_answers_and_stops_on_ctrl_c(cli_env: dict[str, str], tmp_path: Path,
                                                           server: LocalServer) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["oxkair", "serve", "--port", str(port), "--workers", "2"], env=cli_env,
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_until_healthy(proc, base, why=log.read_text).status_code == 200
        # Both workers are up (the supervisor starts them together) and serve the API.
        children = _children(proc.pid)
        workers = {pid for pid in children if _is_worker(pid)}
        assert len(workers) == 2, children
        for _ in range(10):
            r = httpx.get(f"{base}/institutions/suggest", params={"email": "jane.doe@mayoclinic.org"})
            assert r.status_code == 200 and r.headers["x-frame-options"] == "DENY"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert not [pid for pid in workers if _running(pid)]
        # multiprocessing's resource tracker exits by itself once the supervisor has gone, a
        # moment later (seen still running right after the supervisor's exit, then gone).
        assert not _gone_within(children - workers, 10)
    finally:
        if proc.poll() is None:
            for pid in _children(proc.pid):
                os.kill(pid, signal.SIGKILL)
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert "(2 processes)" in output
    assert '"GET /institutions/suggest?… HTTP/1.1" 200' in output
    assert "jane" not in output and "mayoclinic" not in output
    # How to connect, never a secret (service logs keep what serve prints).
    assert "oxkair local psql" in output
    for role in LOGIN_ROLES:
        assert server.password(role) not in output, role


@pytest.mark.parametrize("workers", ["0", "65"])
def test_serve_refuses_a_worker_count_out_of_range(cli_env: dict[str, str], workers: str) -> None:
    result = subprocess.run(["oxkair", "serve", "--workers", workers], env=cli_env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "--workers" in result.stderr and "Traceback" not in result.stderr
