"""Running pg_dump / pg_restore: connection settings go through the environment, never argv."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import IO

from oxkair.db.connect import ENTRA_SCOPE, ConnParams
from oxkair.errors import OxkairError, SetupError
from oxkair.local.binaries import PgBinaries, find_binaries

Progress = Callable[[int], None]

_ENV = {"host": "PGHOST", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER",
        "password": "PGPASSWORD", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
        "application_name": "PGAPPNAME", "sslcrl": "PGSSLCRL", "options": "PGOPTIONS"}


def pg_env(params: ConnParams) -> dict[str, str]:
    """libpq environment for a subprocess: passwords and TLS settings stay out of `ps`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.setdefault("LC_ALL", "C.UTF-8")
    for key, value in params.items():
        if value is None:
            continue
        if key == "credential":
            # Seed method 1: an Entra access token is the password (valid about an hour).
            env["PGPASSWORD"] = value.get_token(ENTRA_SCOPE).token
            continue
        if key not in _ENV:
            raise SetupError(f"connection option {key!r} is not supported for pg_dump/pg_restore")
        env[_ENV[key]] = str(value)
    return env


@cache
def _binaries() -> PgBinaries:
    return find_binaries()


def tool(name: str) -> str:
    return _binaries().tool(name)


@cache
def tool_version(name: str) -> str:
    out = subprocess.run([tool(name), "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip()


def _last_error(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error" in ln.lower()]
    return (errors or lines or ["no message"])[0]


class PipeFailure(OxkairError):
    """A pg_dump / pg_restore subprocess failed."""


def _raise_on_error(args: list[str], code: int, errfile: IO[bytes]) -> None:
    if code != 0:
        errfile.seek(0)
        raise PipeFailure(f"{Path(args[0]).name} failed: "
                          f"{_last_error(errfile.read().decode(errors='replace'))}")


def _start_feeder(proc: subprocess.Popen[bytes], source: Iterable[bytes],
                  failure: list[BaseException]) -> threading.Thread:
    """Stream `source` into the tool's stdin on a thread; a source error kills the tool and is
    handed to the caller through `failure`."""
    assert proc.stdin is not None  # closed by the feeder
    stdin = proc.stdin

    def feed() -> None:
        try:
            for data in source:
                stdin.write(data)
        except BrokenPipeError:
            pass  # the tool stopped reading: it needed only the start (e.g. the TOC)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            failure.append(exc)
            proc.kill()
        finally:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()

    feeder = threading.Thread(target=feed, name="oxkair-pipe-feed", daemon=True)
    feeder.start()
    return feeder


def _drain(proc: subprocess.Popen[bytes], sink: Callable[[bytes], None], chunk: int) -> None:
    """Pass the tool's stdout to `sink` chunk by chunk; kill the tool if that fails."""
    assert proc.stdout is not None
    try:
        while data := proc.stdout.read(chunk):
            sink(data)
    except BaseException:
        proc.kill()
        raise


def run_reading(args: list[str], env: dict[str, str], sink: Callable[[bytes], None],
                chunk: int = 1 << 20) -> None:
    """Run a tool and pass its stdout to `sink` chunk by chunk; raise with its error line."""
    with tempfile.TemporaryFile() as errfile:
        with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errfile, env=env) as proc:
            _drain(proc, sink, chunk)
            code = proc.wait()
        _raise_on_error(args, code, errfile)


def run_feeding(args: list[str], env: dict[str, str], source: Iterable[bytes],
                stdout: IO[bytes] | None = None) -> None:
    """Run a tool with `source` streamed to its stdin; errors of the source win over the tool's."""
    failure: list[BaseException] = []
    with tempfile.TemporaryFile() as errfile:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=stdout or subprocess.DEVNULL,
                                stderr=errfile, env=env)
        feeder = _start_feeder(proc, source, failure)
        code = proc.wait()
        feeder.join()
        if failure:
            raise failure[0]
        _raise_on_error(args, code, errfile)


def run_piping(args: list[str], env: dict[str, str], source: Iterable[bytes],
               sink: Callable[[bytes], None], chunk: int = 1 << 20) -> None:
    """Run a tool with `source` streamed to its stdin and its stdout passed to `sink`."""
    failure: list[BaseException] = []
    with tempfile.TemporaryFile() as errfile:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errfile,
                                env=env)
        assert proc.stdout is not None
        feeder = _start_feeder(proc, source, failure)
        try:
            _drain(proc, sink, chunk)
        finally:
            code = proc.wait()
            feeder.join()
            proc.stdout.close()
        if failure:
            raise failure[0]
        _raise_on_error(args, code, errfile)


def run_capturing(args: list[str], env: dict[str, str], source: Iterable[bytes]) -> str:
    """Like run_feeding, returning the tool's stdout as text (TOC listings, ACL scripts)."""
    with tempfile.TemporaryFile() as out:
        run_feeding(args, env, source, stdout=out)
        out.seek(0)
        return out.read().decode()


def describe(params: ConnParams) -> str:
    return f"{params.get('host')}:{params.get('port')}/{params.get('dbname')}"

