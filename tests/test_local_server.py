"""The embedded server: TLS only, restart keeps data, clear errors, unprivileged as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.local import LocalServer
from oxkair.local.cluster import sweep_orphaned_clusters


def test_plain_tcp_is_refused(server: LocalServer) -> None:
    params = {**server.conninfo("oxkair_admin"), "sslmode": "disable"}
    with pytest.raises(psycopg.OperationalError, match="no encryption|reject"):
        psycopg.connect(**params)


def test_verify_full_connects_over_tls(server: LocalServer) -> None:
    with psycopg.connect(**server.conninfo("oxkair_api")) as conn:
        row = conn.execute(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).fetchone()
        assert row is not None and row[0] is True
        assert row[1] in ("TLSv1.2", "TLSv1.3")


def test_verify_full_rejects_a_server_of_another_ca(server: LocalServer, tmp_path: Path) -> None:
    from oxkair.local.tls import make_ca

    other_ca, _ = make_ca(tmp_path)
    params = {**server.conninfo("oxkair_api"), "sslrootcert": str(other_ca)}
    with pytest.raises(psycopg.OperationalError, match="SSL error|certificate verify failed"):
        psycopg.connect(**params)


def test_listens_on_loopback_only(su: psycopg.Connection[Any]) -> None:
    assert su.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    assert su.execute("SHOW ssl_min_protocol_version").fetchone() == ("TLSv1.3",)
    assert su.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
    assert su.execute("SHOW data_checksums").fetchone() == ("on",)
    assert su.execute("SHOW shared_preload_libraries").fetchone() == ("pgaudit",)


def test_server_runs_unprivileged(su: psycopg.Connection[Any], server: LocalServer) -> None:
    assert server.user.uid != 0
    pid = su.execute("SELECT pg_backend_pid()").fetchone()
    assert pid
    owner = os.stat(f"/proc/{pid[0]}").st_uid
    assert owner == server.user.uid


def test_wrong_password_is_refused(server: LocalServer) -> None:
    params = {**server.conninfo("oxkair_api"), "password": "wrong"}
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(**params)


def test_second_start_is_a_no_op(server: LocalServer) -> None:
    assert server.start() is False


def test_restart_keeps_data_and_port(tmp_path: Path) -> None:
    server = LocalServer(tmp_path / ".oxkair")
    try:
        assert server.start() is True
        port = server.port
        with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
        assert server.stop() is True
        assert server.status()["running"] is False
        assert server.start() is True
        assert server.port == port
        with psycopg.connect(**server.superuser_conninfo()) as conn:
            assert conn.execute("SELECT v FROM kept").fetchone() == (42,)
    finally:
        server.destroy()  # not stop(): as root the cluster lives in /var/lib/oxkair


def _oxkair(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["oxkair", *args], capture_output=True, text=True, env=env, timeout=120)


def test_port_in_use_is_a_one_line_error(tmp_path: Path, cli_env: dict[str, str]) -> None:
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    env = {**cli_env, "OXKAIR_HOME": str(tmp_path / ".oxkair"),
           "OXKAIR_LOCAL_PORT": str(blocker.getsockname()[1])}
    try:
        result = _oxkair(env, "local", "start")
    finally:
        blocker.close()
    assert result.returncode == 2
    assert "in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    LocalServer(tmp_path / ".oxkair").destroy()


def test_data_dir_of_another_major_is_a_one_line_error(tmp_path: Path,
                                                       cli_env: dict[str, str]) -> None:
    home = tmp_path / ".oxkair"
    env = {**cli_env, "OXKAIR_HOME": str(home)}
    server = LocalServer(home)
    try:
        assert _oxkair(env, "local", "start").returncode == 0
        assert _oxkair(env, "local", "stop").returncode == 0
        (server.data_dir / "PG_VERSION").write_text("14\n")
        result = _oxkair(env, "local", "start")
        assert result.returncode == 2
        assert "PostgreSQL 14" in result.stderr and "Traceback" not in result.stderr
    finally:
        server.destroy()


def test_status_exit_code_and_url(cli_env: dict[str, str], server: LocalServer) -> None:
    status = _oxkair(cli_env, "local", "status")
    assert status.returncode == 0 and "running: True" in status.stdout
    url = _oxkair(cli_env, "local", "url").stdout.strip()
    assert url.startswith("postgresql://oxkair_admin:") and "sslmode=verify-full" in url
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("oxkair_admin",)


# ─────────────────────── relocated clusters (root, home the server user cannot enter) are cleaned up
def _relocated_server(home: Path) -> LocalServer:
    server = LocalServer(home)
    server.start()
    if not (home / "pg").is_symlink():
        server.destroy()
        pytest.skip("the server user can enter this home: nothing was relocated to /var/lib/oxkair")
    return server


@pytest.mark.skipif(os.geteuid() != 0, reason="only root relocates clusters to /var/lib/oxkair")
def test_a_relocated_cluster_whose_home_is_gone_is_swept(tmp_path: Path) -> None:
    server = _relocated_server(tmp_path / "gone" / ".oxkair")
    cluster = server.data_dir.parent
    aged = time.time() - 3600
    os.utime(cluster, (aged, aged))  # past the grace period a cluster being set up gets
    assert cluster not in sweep_orphaned_clusters()  # running, its home present: kept
    server.stop()
    assert cluster not in sweep_orphaned_clusters()  # stopped, but its home still links to it
    shutil.rmtree(tmp_path / "gone")
    assert cluster in sweep_orphaned_clusters()
    assert not cluster.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root relocates clusters to /var/lib/oxkair")
def test_destroy_removes_the_relocated_data_and_the_home(tmp_path: Path) -> None:
    home = tmp_path / "throwaway" / ".oxkair"
    server = _relocated_server(home)
    cluster = server.data_dir.parent
    server.destroy()
    assert not cluster.exists() and not home.exists() and not server.socket_dir.exists()
