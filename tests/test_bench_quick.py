"""Every benchmark runs at its --quick size, so none rots (figures are not asserted: machines are
noisy); each runs from the README's setup alone (it imports nothing from tests/ nor pytest) and
leaves no cluster behind (as root they live in /var/lib/oxkair, outside the temporary home)."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oxkair.local.cluster import EXTERNAL_DATA_ROOT

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parent.parent / "bench"
# Each bench and a line its report must print.
BENCHES = {
    "rls_overhead.py": "ratio RLS / plain",
    "audit_overhead.py": "ratio",
    "api.py": "throughput ratio",
    "auth.py": "ratio auth/bare",
    "backup.py": "ratio (create + verify) / pg_dump",
    "migrate.py": "peak RSS",
}


def _clusters() -> set[str]:
    return {p.name for p in EXTERNAL_DATA_ROOT.iterdir()} if EXTERNAL_DATA_ROOT.is_dir() else set()


def test_every_bench_is_listed() -> None:
    scripts = {p.name for p in BENCH.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(BENCHES)


@pytest.mark.parametrize("script", [*BENCHES, "_common.py", "_supabase_source.py"])
def test_a_bench_imports_nothing_of_the_tests(script: str) -> None:
    """`bash scripts/setup.sh` (no --dev) installs no pytest, and tests/ is not a package of ours."""
    tree = ast.parse((BENCH / script).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {str(node.module).split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"tests", "pytest", "hypothesis", "playwright"}, imported


@pytest.mark.parametrize("script", list(BENCHES))
def test_benchmark_runs_quick_and_cleans_up(script: str) -> None:
    before = _clusters()
    result = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True,
                            text=True, timeout=600, cwd=BENCH.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    assert BENCHES[script] in result.stdout
    deadline = time.monotonic() + 20  # a cluster still being removed is not one left behind
    while not _clusters() <= before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _clusters() <= before, f"{script} left clusters in {EXTERNAL_DATA_ROOT}: {_clusters() - before}"
