"""The foundation's benchmarks run at their --quick size, so they never rot (figures not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("script", ["rls_overhead.py", "audit_overhead.py"])
def test_benchmark_runs_quick(script: str) -> None:
    result = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ratio" in result.stdout
