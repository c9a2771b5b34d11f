"""Shared helpers of the benchmarks: a throwaway embedded server, timing and percentiles."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from oxkair.config import Settings
from oxkair.db import admin_params
from oxkair.local import LocalServer
from oxkair.schema.runner import upgrade


@contextmanager
def scratch_server() -> Iterator[LocalServer]:
    """A new embedded server with the schema applied, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="oxkair-bench-") as tmp:
        home = Path(tmp) / ".oxkair"
        server = LocalServer(home)
        server.start()
        try:
            upgrade(admin_params(Settings(oxkair_home=home, _env_file=None)))  # type: ignore[call-arg]
            yield server
        finally:
            server.destroy()


def superuser(server: LocalServer, **kwargs: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(**server.superuser_conninfo(), **kwargs)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def describe(name: str, samples_s: list[float]) -> str:
    ms = [s * 1000 for s in samples_s]
    return (f"{name:<34} n={len(ms):>6}  mean={statistics.fmean(ms):7.3f} ms  p50={pct(ms, 0.5):7.3f} ms"
            f"  p95={pct(ms, 0.95):7.3f} ms")
