"""`oxkair auth rotate-keys`, `oxkair outbox`, and `oxkair serve` serving the API."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
from fastapi.testclient import TestClient

from oxkair.auth.outbox import deliver, pending
from tests.fixtures.api import signup_body, unique_email
from tests.fixtures.serve import free_port, wait_until_healthy

OXKAIR = str(Path(".venv/bin/oxkair").resolve())


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OXKAIR, *args], env=env, capture_output=True, text=True, timeout=120)


def test_rotate_keys_adds_a_key_and_keeps_the_old(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**cli_env, "OXKAIR_HOME": str(tmp_path / "home")}
    first = run(env, "auth", "rotate-keys")
    assert first.returncode == 0, first.stderr
    second = run(env, "auth", "rotate-keys")
    assert second.returncode == 0 and "still verifying" in second.stdout
    files = list((tmp_path / "home" / "keys").glob("*.pem"))
    assert len(files) == 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_rotate_keys_refuses_when_keys_come_from_settings(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {**cli_env, "OXKAIR_HOME": str(tmp_path), "OXKAIR_SIGNING_KEY_PEM": "unused"}
    r = run(env, "auth", "rotate-keys")
    assert r.returncode == 1
    assert "OXKAIR_SIGNING_KEY_PEM" in r.stderr and "Traceback" not in r.stderr


def test_outbox_lists_pending_messages(
    client: TestClient, cli_env: dict[str, str], institution_id: str
) -> None:
    email = unique_email("outbox")
    assert client.post("/auth/signup", json=signup_body(email, institution_id)).status_code == 202
    r = run(cli_env, "outbox", "--limit", "1000")
    assert r.returncode == 0, r.stderr
    assert email in r.stdout and "/verify-email?token=" in r.stdout


def test_outbox_send_without_smtp_is_a_clear_error(cli_env: dict[str, str]) -> None:
    r = run(cli_env, "outbox", "send")
    assert r.returncode == 1 and "OXKAIR_SMTP_HOST" in r.stderr


def test_delivery_marks_sent_and_clears_the_body(
    client: TestClient, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email("deliver")
    client.post("/auth/signup", json=signup_body(email, institution_id))
    sent: list[tuple[str, str]] = []

    class Recorder:
        def send(self, to_address: str, subject: str, body: str) -> None:
            if to_address == email:
                sent.append((to_address, body))
            else:
                raise OSError("not in this test")

    superuser.execute("SET ROLE oxkair_owner")
    try:
        ok, failed = deliver(superuser, Recorder(), limit=10_000)
        assert ok >= 1 and sent and "token=" in sent[0][1]
        assert all(m.to_address != email for m in pending(superuser, 10_000))
        row = superuser.execute(
            "SELECT body, sent_at IS NOT NULL FROM auth.outbox WHERE to_address = %s", [email]
        ).fetchone()
        assert row == ("", True)
        # Failures stay pending, with their error, for the next run.
        failing = superuser.execute(
            "SELECT count(*) FROM auth.outbox WHERE sent_at IS NULL AND last_error LIKE 'OSError%%'"
        ).fetchone()
        assert failing and failing[0] == failed
    finally:
        superuser.execute("RESET ROLE")


def test_serve_serves_the_api(cli_env: dict[str, str], make_client: Callable[..., TestClient]) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [OXKAIR, "serve", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        r = wait_until_healthy(proc, f"http://127.0.0.1:{port}", why=lambda: proc.communicate()[1])
        assert r.status_code == 200 and r.json()["database"] is True
        jwks = httpx.get(f"http://127.0.0.1:{port}/.well-known/jwks.json", timeout=5).json()
        assert jwks["keys"]
        httpx.get(f"http://127.0.0.1:{port}/verify-email?token=one-time-secret-in-the-link", timeout=5)
    finally:
        os.kill(proc.pid, signal.SIGINT)
        out, errs = proc.communicate(timeout=30)
    assert proc.returncode == 0, errs
    assert "Traceback" not in errs
    assert "GET /verify-email?" in out + errs  # the access log has the line ...
    assert "one-time-secret-in-the-link" not in out + errs  # ... but not the token
