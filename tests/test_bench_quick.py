"""Every benchmark runs at its --quick size, so none rots (figures are not asserted: machines are
noisy); each runs from the README's setup alone (it imports nothing from tests/ nor pytest) and
leaves no cluster behind (as root they live in /var/lib/oxkair, outside the temporary home)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oxkair.local.cluster import EXTERNAL_DATA_ROOT, HOME_MARK

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parent.parent / "bench"
# Each bench and a line its report must print.
BENCHES = {
    "rls_overhead.py": "worklist mean, RLS / plain",
    "audit_overhead.py": "update mean, audited / trigger disabled",
    "audit_report.py": "patient report, six years p95",
    "api.py": "worklist throughput, API / direct SQL",
    "rest.py": "throughput ratio REST / direct",
    "auth.py": "no-op request, auth/bare",
    "backup.py": "backup create + verify",
    "migrate.py": "peak RSS",
}
# What `bash scripts/setup.sh` without --dev does not install, and the tests themselves.
NOT_INSTALLED = ("tests", "pytest", "_pytest", "hypothesis", "playwright", "schemathesis")
# Run in a fresh interpreter: refuses those imports, then imports every bench module.
IMPORT_ALL = """
import importlib, importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed by scripts/setup.sh")
sys.meta_path.insert(0, Refuse())
sys.path.insert(0, sys.argv[2])
for module in sys.argv[3:]:
    importlib.import_module(module)
loaded = BLOCKED & {m.split(".")[0] for m in sys.modules}
assert not loaded, loaded
print("imported", len(sys.argv) - 3)
"""


def _left_behind(tmp: Path) -> list[str]:
    """Relocated clusters whose home was under `tmp` (this bench's), and servers still running."""
    left = []
    if EXTERNAL_DATA_ROOT.is_dir():
        for cluster in EXTERNAL_DATA_ROOT.iterdir():
            try:
                home = (cluster / HOME_MARK).read_text().strip()
            except OSError:
                continue
            if home.startswith(str(tmp)):
                left.append(f"{cluster} (home {home})")
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"postgres") and any(str(tmp).encode() in a for a in args):
            left.append(f"server {b' '.join(args).decode()}")
    return left


def test_every_bench_is_listed() -> None:
    scripts = {p.name for p in BENCH.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(BENCHES)


def test_the_benches_import_without_the_test_tools(tmp_path: Path) -> None:
    """`bash scripts/setup.sh` (no --dev) installs no pytest, and tests/ is not a package of ours:
    every bench module and helper imports with those refused (checked by importing, not reading)."""
    modules = [p.stem for p in sorted(BENCH.glob("*.py"))]
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL, ",".join(NOT_INSTALLED), str(BENCH), *modules],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"imported {len(modules)}" in result.stdout


def test_the_import_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "uses_pytest.py").write_text("import pytest\n")
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL, ",".join(NOT_INSTALLED), str(tmp_path),
                             "uses_pytest"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode != 0 and "not installed by scripts/setup.sh" in result.stderr


@pytest.mark.parametrize("script", list(BENCHES))
def test_benchmark_runs_quick_and_cleans_up(script: str, tmp_path: Path) -> None:
    # The bench's temporary directories go under tmp_path, so what it leaves is told apart from
    # what benches and tests of other runs on the machine make at the same time.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True,
                            text=True, timeout=600, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert BENCHES[script] in result.stdout
    deadline = time.monotonic() + 20  # a server still shutting down is not one left behind
    while _left_behind(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _left_behind(tmp_path), f"{script} left clusters behind: {_left_behind(tmp_path)}"
    assert not list(tmp_path.iterdir()), f"{script} left files: {list(tmp_path.iterdir())}"
