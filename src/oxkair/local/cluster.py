"""The embedded PostgreSQL: initdb, TLS, pg_hba, pgaudit, start/stop, as an unprivileged user."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oxkair.errors import SetupError
from oxkair.local.binaries import INSTALL_HINT, PgBinaries, find_binaries
from oxkair.local.tls import make_ca, make_server_cert

DATABASE = "postgres"  # the seed's database name
SUPERUSER = "postgres"  # only over the private unix socket, for local administration
# Login roles of the embedded server. On Azure the DBA creates these logins (or Entra principals).
LOGIN_ROLES = ("oxkair_admin", "oxkair_api", "oxkair_migrator", "oxkair_auditor")
EXTERNAL_DATA_ROOT = Path("/var/lib/oxkair")
BOOTSTRAP_MARK = "oxkair.bootstrapped"
HOME_MARK = "home"  # in EXTERNAL_DATA_ROOT/<digest>: the home whose ./.oxkair/pg links here
SWEEP_GRACE_SECONDS = 600  # a relocated cluster this young may still be being set up
TLS_MIN_VERSIONS = ("TLSv1.3", "TLSv1.2")
TLS_CONF = "oxkair-tls.conf"  # rewritten at every start, so a changed setting applies to old clusters
# TLS 1.2, when allowed: ECDHE with an AEAD cipher only (no CBC, no SHA-1 MACs, no static RSA).
# TLS 1.3's suites are all AEAD (OpenSSL's defaults; ssl_ciphers does not touch them).
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL"


@dataclass(frozen=True)
class ServerUser:
    name: str
    uid: int
    gid: int


def _current_user() -> ServerUser:
    entry = pwd.getpwuid(os.geteuid())
    return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


def server_user() -> ServerUser:
    """PostgreSQL refuses to run as root: as root, run it as `postgres` (or a new system user)."""
    if os.geteuid() != 0:
        return _current_user()
    for name in ("postgres", "oxkair-pg"):
        try:
            entry = pwd.getpwnam(name)
            return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
         "oxkair-pg"],
        check=True,
    )
    entry = pwd.getpwnam("oxkair-pg")
    return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postmaster_alive(data: Path) -> bool:
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def sweep_orphaned_clusters(keep: Path | None = None) -> list[Path]:
    """Delete relocated clusters whose home is gone and which are not running.

    A cluster relocated to /var/lib/oxkair outlives its home when the home is deleted (a test's or
    benchmark's temporary dir, a removed checkout): without a home its passwords and CA are gone,
    so nobody can use it again, and hundreds of them fill a disk. Only clusters that recorded
    their home (HOME_MARK) are judged; older ones are left alone.
    """
    removed: list[Path] = []
    if not EXTERNAL_DATA_ROOT.is_dir():
        return removed
    cutoff = time.time() - SWEEP_GRACE_SECONDS
    for cluster in EXTERNAL_DATA_ROOT.iterdir():
        try:
            if cluster == keep or cluster.stat().st_mtime > cutoff:
                continue
            link = Path((cluster / HOME_MARK).read_text().strip()) / "pg"
        except OSError:
            continue
        if link.is_symlink() and link.resolve() == (cluster / "pg").resolve():
            continue  # its home still uses it
        if _postmaster_alive(cluster / "pg"):
            continue
        shutil.rmtree(cluster, ignore_errors=True)
        removed.append(cluster)
    return removed


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class LocalServer:
    """One embedded cluster whose state lives under `home` (default ./.oxkair)."""

    def __init__(self, home: Path, port: int = 0, tls_min_version: str = "TLSv1.3") -> None:
        self.home = home.resolve()
        self.requested_port = port
        if tls_min_version not in TLS_MIN_VERSIONS:
            raise SetupError(f"TLS minimum version must be one of {', '.join(TLS_MIN_VERSIONS)}")
        self.tls_min_version = tls_min_version
        self.tls_dir = self.home / "tls"
        self.secrets_file = self.home / "secrets.json"
        self.user = server_user()
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
        # Unix socket paths are limited to ~107 bytes, so the socket lives in a short private dir.
        self.socket_dir = Path(f"/tmp/oxkair-{digest}")  # noqa: S108 (checked in _private_socket_dir)
        self._external_data = EXTERNAL_DATA_ROOT / digest / "pg"

    # ------------------------------------------------------------------ paths and state
    @property
    def data_dir(self) -> Path:
        link = self.home / "pg"
        return link.resolve() if link.is_symlink() else link

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    @property
    def log_file(self) -> Path:
        return self.data_dir / "log" / "server.log"

    @property
    def ca_cert(self) -> Path:
        return self.tls_dir / "ca.crt"

    @property
    def port(self) -> int:
        conf = (self.data_dir / "oxkair.conf").read_text()
        match = re.search(r"^port\s*=\s*(\d+)", conf, re.MULTILINE)
        if not match:
            raise SetupError(f"{self.data_dir}/oxkair.conf has no port; delete {self.home} to start over")
        return int(match.group(1))

    def password(self, role: str) -> str:
        return str(json.loads(self.secrets_file.read_text())[role])

    def conninfo(self, role: str = "oxkair_admin") -> dict[str, Any]:
        """Connection parameters for a login role: TLS with the local CA, verify-full."""
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "dbname": DATABASE,
            "user": role,
            "password": self.password(role),
            "sslmode": "verify-full",
            "sslrootcert": str(self.ca_cert),
        }

    def superuser_conninfo(self) -> dict[str, Any]:
        """The local superuser over the private unix socket (peer authentication)."""
        return {"host": str(self.socket_dir), "port": self.port, "dbname": DATABASE, "user": SUPERUSER}

    def url(self, role: str = "oxkair_admin") -> str:
        from urllib.parse import quote

        info = self.conninfo(role)
        return (
            f"postgresql://{role}:{quote(info['password'], safe='')}@127.0.0.1:{info['port']}/"
            f"{DATABASE}?sslmode=verify-full&sslrootcert={quote(info['sslrootcert'])}"
        )

    # ------------------------------------------------------------------ running as the server user
    def _run(self, args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        as_other = self.user.uid != os.geteuid()
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            cwd="/",
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
            user=self.user.uid if as_other else None,
            group=self.user.gid if as_other else None,
            extra_groups=[] if as_other else None,
            **kwargs,
        )

    def _give(self, path: Path, mode: int) -> None:
        if self.user.uid != os.geteuid():
            os.chown(path, self.user.uid, self.user.gid)
        path.chmod(mode)

    def _private_socket_dir(self) -> None:
        """The socket dir in /tmp must be ours: a directory planted by someone else is refused."""
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        info = self.socket_dir.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (os.geteuid(), self.user.uid):
            raise SetupError(f"{self.socket_dir} exists and is not ours; remove it and start again")
        self._give(self.socket_dir, 0o700)

    def _reachable_by_server(self, directory: Path) -> bool:
        return self._run(["test", "-w", str(directory), "-a", "-x", str(directory)]).returncode == 0

    # ------------------------------------------------------------------ lifecycle
    def status(self) -> dict[str, Any]:
        if not self.initialized:
            return {"initialized": False, "running": False, "home": str(self.home)}
        bins = find_binaries()
        running = self._run([bins.tool("pg_ctl"), "status", "-D", str(self.data_dir)]).returncode == 0
        return {
            "initialized": True,
            "running": running,
            "home": str(self.home),
            "data_dir": str(self.data_dir),
            "port": self.port,
            "version": (self.data_dir / "PG_VERSION").read_text().strip(),
            "server_user": self.user.name,
        }

    def start(self) -> bool:
        """Initialise if needed and start; False when it was already running (a no-op)."""
        bins = find_binaries()
        if not bins.has_pgaudit:
            raise SetupError(f"pgaudit is missing for PostgreSQL {bins.major}: {INSTALL_HINT}")
        if not self.initialized:
            self._initdb(bins)
        self._check_version(bins)
        started = not self.status()["running"]
        if started:
            self._launch(bins)
        if not (self.data_dir / BOOTSTRAP_MARK).exists():
            self._bootstrap()  # also finishes a first start that was interrupted
        return started

    def _launch(self, bins: PgBinaries) -> None:
        port = self.port
        if _port_in_use(port):
            raise SetupError(
                f"port {port} on 127.0.0.1 is in use by another program; stop it or set "
                "OXKAIR_LOCAL_PORT before the first start (or delete the data dir)"
            )
        self._private_socket_dir()
        self._write_tls_config()
        result = self._run(
            [bins.tool("pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data_dir),
             "-l", str(self.log_file)]
        )
        if result.returncode != 0:
            raise SetupError(f"PostgreSQL did not start: {self._last_log_error()}")

    def stop(self) -> bool:
        if not self.initialized or not self.status()["running"]:
            return False
        bins = find_binaries()
        result = self._run([bins.tool("pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])
        if result.returncode != 0:
            raise SetupError(f"PostgreSQL did not stop: {result.stderr.strip()}")
        return True

    def destroy(self) -> None:
        """Stop the server and delete everything it had: home, data (relocated too), socket dir.

        For throwaway servers (tests, benchmarks); never called on a user's ./.oxkair.
        """
        self.stop()
        if (self.home / "pg").is_symlink():
            # Twice: a file the server's last processes write while the first pass runs would
            # leave the directory behind.
            for _ in range(2):
                shutil.rmtree(self._external_data.parent, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def _last_log_error(self) -> str:
        try:
            lines = self.log_file.read_text().splitlines()
        except OSError:
            return "no server log"
        errors = [ln for ln in lines if "FATAL" in ln or "ERROR" in ln]
        return (errors or lines or ["no server log"])[-1].strip()

    def _check_version(self, bins: PgBinaries) -> None:
        version = (self.data_dir / "PG_VERSION").read_text().strip()
        if version != str(bins.major):
            raise SetupError(
                f"data dir {self.data_dir} is PostgreSQL {version} but the server found is "
                f"{bins.major}; set PG_BIN to a {version} server or move the data dir away"
            )

    # ------------------------------------------------------------------ first start
    def _prepare_data_dir(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        as_other = self.user.uid != os.geteuid()
        # Root runs the server as another user, who must be able to pass through the home dir.
        self.home.chmod(0o711 if as_other else 0o700)
        link = self.home / "pg"
        if as_other and self._run(["test", "-x", str(self.home)]).returncode != 0:
            # As root in a directory the server user cannot enter (e.g. under /root): keep the
            # cluster in /var/lib/oxkair and point ./.oxkair/pg at it.
            target = self._external_data
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            (target.parent / HOME_MARK).write_text(f"{self.home}\n")
            self._give(target.parent, 0o700)
            sweep_orphaned_clusters(keep=target.parent)
            if link.is_symlink() or link.exists():
                link.unlink() if link.is_symlink() else shutil.rmtree(link)
            link.symlink_to(target)
            data = target
        else:
            if link.exists() and not (link / "PG_VERSION").exists():
                shutil.rmtree(link)  # a half-made data dir from an interrupted first start
            link.mkdir(exist_ok=True)
            data = link
        self._give(data, 0o700)
        if not self._reachable_by_server(data):
            raise SetupError(f"the server user {self.user.name} cannot write {data}; set OXKAIR_HOME")
        return data

    def _initdb(self, bins: PgBinaries) -> None:
        data = self._prepare_data_dir()
        passwords = {role: secrets.token_urlsafe(24) for role in (SUPERUSER, *LOGIN_ROLES)}
        self.secrets_file.write_text(json.dumps(passwords, indent=2))
        self.secrets_file.chmod(0o600)
        self._private_socket_dir()
        pwfile = self.socket_dir / "initdb.pw"  # private dir of the server user, gone at once
        pwfile.write_text(passwords[SUPERUSER] + "\n")
        self._give(pwfile, 0o600)
        result = self._run(
            [bins.tool("initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile", str(pwfile),
             "--auth-local=peer", "--auth-host=scram-sha-256", "--data-checksums",
             "--encoding=UTF8", "--locale=C.UTF-8"]
        )
        pwfile.unlink()
        if result.returncode != 0:
            raise SetupError(f"initdb failed: {result.stderr.strip().splitlines()[-1:]}")
        make_ca(self.tls_dir)
        make_server_cert(self.ca_cert, self.tls_dir / "ca.key", data / "server.crt", data / "server.key")
        for name in ("server.crt", "server.key"):
            self._give(data / name, 0o600)
        port = self.requested_port or _free_port()
        (data / "log").mkdir(exist_ok=True)
        self._give(data / "log", 0o700)
        self._write_config(data, port)

    def _write_config(self, data: Path, port: int) -> None:
        conf = f"""# Written by oxkair: the embedded server's safeguards (same as on Azure).
port = {port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '{self.socket_dir}'
unix_socket_permissions = 0700
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
password_encryption = 'scram-sha-256'
shared_preload_libraries = 'pgaudit'
pgaudit.log = 'ddl, role'
pgaudit.role = 'oxkair_pgaudit'
pgaudit.log_parameter = off
pgaudit.log_relation = on
pgaudit.log_catalog = off
log_connections = on
log_disconnections = on
log_line_prefix = '%m [%p] %q%u@%d '
"""
        (data / "oxkair.conf").write_text(conf)
        self._give(data / "oxkair.conf", 0o600)
        with (data / "postgresql.conf").open("a") as fh:
            fh.write("\ninclude_if_exists = 'oxkair.conf'\n")
        invoking = pwd.getpwuid(os.geteuid()).pw_name
        ident_users = sorted({"root", self.user.name, invoking})
        (data / "pg_ident.conf").write_text(
            "".join(f"admin  {name}  {SUPERUSER}\n" for name in ident_users)
        )
        (data / "pg_hba.conf").write_text(
            "# Written by oxkair. TLS only over TCP; the unix socket is for local administration.\n"
            f"local      all  {SUPERUSER}  peer map=admin\n"
            "hostssl    all  all       127.0.0.1/32  scram-sha-256\n"
            "hostnossl  all  all       0.0.0.0/0     reject\n"
            "hostnossl  all  all       ::/0          reject\n"
        )

    def _write_tls_config(self) -> None:
        """The TLS policy, from the setting (OXKAIR_LOCAL_TLS_MIN_VERSION), at every start."""
        data = self.data_dir
        (data / TLS_CONF).write_text(
            "# Written by oxkair at every start: TLS 1.3 by default (Azure recommends it);\n"
            "# TLS 1.2 only when allowed, and then with AEAD suites only.\n"
            f"ssl_min_protocol_version = '{self.tls_min_version}'\n"
            f"ssl_ciphers = '{TLS12_CIPHERS}'\n")
        self._give(data / TLS_CONF, 0o600)
        conf = data / "postgresql.conf"
        include = f"include_if_exists = '{TLS_CONF}'"
        if include not in conf.read_text():  # after oxkair.conf's include: its values win
            with conf.open("a") as fh:
                fh.write(f"\n{include}\n")

    def _bootstrap(self) -> None:
        """Create the Azure-like admin (no superuser), then the logins of the access model (logins.py)."""
        import psycopg

        from oxkair.local.logins import create_logins

        with psycopg.connect(**self.superuser_conninfo(), autocommit=True) as conn:
            admin_verifier = conn.pgconn.encrypt_password(
                self.password("oxkair_admin").encode(), b"oxkair_admin", b"scram-sha-256"
            ).decode()
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'oxkair_admin'").fetchone()
            conn.execute(
                f"{'ALTER' if exists else 'CREATE'} ROLE oxkair_admin"
                f" LOGIN CREATEROLE CREATEDB PASSWORD '{admin_verifier}'"
            )
            conn.execute(f"ALTER DATABASE {DATABASE} OWNER TO oxkair_admin")
            conn.execute("CREATE EXTENSION IF NOT EXISTS pgaudit")
            # Its event-trigger functions land in public: nothing there is PUBLIC's.
            conn.execute("REVOKE EXECUTE ON FUNCTION public.pgaudit_ddl_command_end(),"
                         " public.pgaudit_sql_drop() FROM PUBLIC")
        with psycopg.connect(**self.conninfo("oxkair_admin"), autocommit=True) as conn:
            create_logins(conn, LOGIN_ROLES[1:], self.password)
        mark = self.data_dir / BOOTSTRAP_MARK
        mark.write_text("roles created\n")
        self._give(mark, 0o600)

