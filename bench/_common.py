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
from oxkair.local import LocalServer
from oxkair.target import ready


@contextmanager
def scratch_server() -> Iterator[LocalServer]:
    """A new embedded server with the schema applied, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="oxkair-bench-") as tmp:
        home = Path(tmp) / ".oxkair"
        server = LocalServer(home)
        try:  # a start that fails half-way leaves a data dir too
            ready(Settings(oxkair_home=home, _env_file=None))  # type: ignore[call-arg]
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


def loadavg() -> str:
    """The machine's load when a figure was taken (figures on a shared machine need it)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def figure(name: str, anchor: float, ours: float, target: str, unit: str = "s") -> str:
    """One figure as every bench prints it: anchor, ours, ratio, target (and whether it is met).

    `target` is the ratio's bound, e.g. "<= 1.3" or ">= 0.8"; "" for a part shown for context."""
    ratio = ours / anchor if anchor else float("inf")
    if not target:
        return (f"{name:<44} anchor {anchor:>10,.2f} {unit}  ours {ours:>10,.2f} {unit}  ratio {ratio:5.2f}"
                "  (context; no target of its own)")
    op, bound = target.split()
    met = ratio <= float(bound) if op == "<=" else ratio >= float(bound)
    return (f"{name:<44} anchor {anchor:>10,.2f} {unit}  ours {ours:>10,.2f} {unit}  ratio {ratio:5.2f}"
            f"  target {target}  {'met' if met else 'MISSED'}")
