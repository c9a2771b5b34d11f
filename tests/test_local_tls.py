"""The embedded server's TLS policy (issue 12 probe finding: it accepted TLS 1.2 CBC/SHA-1 suites).

TLS 1.3 by default; with OXKAIR_LOCAL_TLS_MIN_VERSION=TLSv1.2, TLS 1.2 with AEAD suites only.
Tried with Python's ssl module speaking PostgreSQL's SSLRequest, offering exactly what we test."""

from __future__ import annotations

import socket
import ssl
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from oxkair.compliance import run_checks
from oxkair.config import Settings
from oxkair.local import LocalServer

pytestmark = pytest.mark.slow

CBC_SUITES = "@SECLEVEL=0:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256"
AEAD_SUITES = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305"


def handshake(port: int, *, tls12_only: bool, ciphers: str | None = None) -> str:
    """The negotiated TLS version, or raises ssl.SSLError when the server refuses."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE  # the policy, not the identity, is tested
    if tls12_only:
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if ciphers:
        ctx.set_ciphers(ciphers)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(struct.pack("!ii", 8, 80877103))  # SSLRequest
        assert raw.recv(1) == b"S"
        with ctx.wrap_socket(raw) as tls:
            return str(tls.version())


def test_tls13_by_default_and_tls12_refused(server: LocalServer) -> None:
    assert handshake(server.port, tls12_only=False) == "TLSv1.3"
    for ciphers in (CBC_SUITES, AEAD_SUITES):
        with pytest.raises(ssl.SSLError):
            handshake(server.port, tls12_only=True, ciphers=ciphers)


@pytest.fixture(scope="module")
def tls12_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    server = LocalServer(tmp_path_factory.mktemp("tls12") / ".oxkair", tls_min_version="TLSv1.2")
    server.start()
    yield server
    server.destroy()


def test_tls12_when_allowed_takes_aead_suites_only(tls12_server: LocalServer) -> None:
    assert handshake(tls12_server.port, tls12_only=True, ciphers=AEAD_SUITES) == "TLSv1.2"
    with pytest.raises(ssl.SSLError):
        handshake(tls12_server.port, tls12_only=True, ciphers=CBC_SUITES)
    assert handshake(tls12_server.port, tls12_only=False) == "TLSv1.3"


def test_the_setting_applies_to_an_existing_cluster_at_its_next_start(tmp_path: Path) -> None:
    home = tmp_path / ".oxkair"
    first = LocalServer(home, tls_min_version="TLSv1.2")
    first.start()
    try:
        assert handshake(first.port, tls12_only=True, ciphers=AEAD_SUITES) == "TLSv1.2"
        first.stop()
        again = LocalServer(home)  # the default, TLS 1.3
        again.start()
        with pytest.raises(ssl.SSLError):
            handshake(again.port, tls12_only=True, ciphers=AEAD_SUITES)
    finally:
        LocalServer(home).destroy()


def test_check_reports_the_tls_policy(tls12_server: LocalServer, settings: Settings) -> None:
    with psycopg.connect(**tls12_server.superuser_conninfo(), autocommit=True) as conn:
        report = run_checks(conn, settings.model_copy(update={"oxkair_home": tls12_server.home}))
        control = next(c for c in report.controls if c.id == "tls.min_version")
        assert control.status == "pass" and "AEAD only" in control.evidence
        conn.execute("ALTER SYSTEM SET ssl_ciphers = 'HIGH:!aNULL'")
        conn.execute("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 10
        while conn.execute("SHOW ssl_ciphers").fetchone() != ("HIGH:!aNULL",) and time.monotonic() < deadline:
            time.sleep(0.1)  # the reload reaches this backend between statements
        try:
            report = run_checks(conn, settings.model_copy(update={"oxkair_home": tls12_server.home}))
            control = next(c for c in report.controls if c.id == "tls.min_version")
            assert control.status == "fail" and "non-AEAD" in control.evidence
        finally:
            conn.execute("ALTER SYSTEM RESET ssl_ciphers")
            conn.execute("SELECT pg_reload_conf()")
