"""bench/auth.py --quick still runs (so the benchmark does not rot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_auth_benchmark_quick_runs() -> None:
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, str(root / "bench" / "auth.py"), "--quick"], cwd=root,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "ratio auth/bare" in r.stdout and "p95" in r.stdout and "verified cache" in r.stdout
