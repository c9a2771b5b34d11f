"""`oxkair auth rotate-keys`, `oxkair outbox`, and `oxkair serve` serving the API."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
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


def test_outbox_lists_newest_first_and_counts_all_pending(
    client: TestClient, cli_env: dict[str, str], institution_id: str, superuser: Any
) -> None:
    emails = [unique_email(f"order{n}") for n in range(3)]
    for email in emails:
        assert client.post("/auth/signup", json=signup_body(email, institution_id)).status_code == 202
    r = run(cli_env, "outbox", "--limit", "2")
    assert r.returncode == 0, r.stderr
    assert emails[2] in r.stdout and emails[1] in r.stdout and emails[0] not in r.stdout
    assert r.stdout.index(emails[2]) < r.stdout.index(emails[1])  # newest first
    total = superuser.execute("SELECT count(*) FROM auth.outbox WHERE sent_at IS NULL").fetchone()[0]
    assert total >= 3
    assert r.stdout.rstrip().splitlines()[-1] == (
        f"{total} pending in all (the newest 2 shown above; --limit shows more), newest first")


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


def test_serve_on_a_port_in_use_says_so_before_starting_anything(cli_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**cli_env, "OXKAIR_HOME": str(Path(cli_env["OXKAIR_HOME"]).parent / "never-started")}
        r = run(env, "serve", "--port", str(port))
    assert r.returncode == 2
    said = (f"error: port {port} is already in use on 127.0.0.1: stop what uses it,"
            " or choose another with --port")
    assert r.stderr.strip().splitlines() == [said]
    assert r.stdout == "" and not (Path(env["OXKAIR_HOME"])).exists()  # no embedded server made


@pytest.mark.parametrize("public_url", [None, "https://coding.example.org"])
def test_email_links_follow_the_port_unless_the_public_url_is_set(
    cli_env: dict[str, str], superuser: Any, institution_id: str, public_url: str | None
) -> None:
    port = free_port()
    env = {k: v for k, v in cli_env.items() if k != "OXKAIR_PUBLIC_URL"}
    if public_url:
        env["OXKAIR_PUBLIC_URL"] = public_url
    proc = subprocess.Popen([OXKAIR, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    email = unique_email("links")
    try:
        wait_until_healthy(proc, f"http://127.0.0.1:{port}", why=lambda: proc.communicate()[1])
        r = httpx.post(f"http://127.0.0.1:{port}/auth/signup", json=signup_body(email, institution_id),
                       timeout=30)
        assert r.status_code == 202, r.text
    finally:
        os.kill(proc.pid, signal.SIGINT)
        out, errs = proc.communicate(timeout=30)
    body = superuser.execute("SELECT body FROM auth.outbox WHERE to_address = %s", [email]).fetchone()[0]
    assert f"{public_url or f'http://127.0.0.1:{port}'}/verify-email?token=" in body
    assert f"email links: {public_url or f'http://127.0.0.1:{port}'}" in out


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
