"""Find PostgreSQL >= 15 server binaries and the pgaudit library."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from oxkair.errors import SetupError

MIN_MAJOR = 15
INSTALL_HINT = (
    "install PostgreSQL >= 15 server and pgaudit "
    "(Debian/Ubuntu: apt-get install postgresql-15 postgresql-15-pgaudit), or set PG_BIN"
)


@dataclass(frozen=True)
class PgBinaries:
    bindir: Path
    major: int
    pkglibdir: Path

    def tool(self, name: str) -> str:
        return str(self.bindir / name)

    @property
    def has_pgaudit(self) -> bool:
        return (self.pkglibdir / "pgaudit.so").exists()


def _major_of(bindir: Path) -> int | None:
    postgres = bindir / "postgres"
    if not postgres.exists():
        return None
    out = subprocess.run([str(postgres), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _pkglibdir(bindir: Path, major: int) -> Path:
    pg_config = bindir / "pg_config"
    if pg_config.exists():
        out = subprocess.run([str(pg_config), "--pkglibdir"], capture_output=True, text=True)
        if out.returncode == 0:
            return Path(out.stdout.strip())
    debian = Path(f"/usr/lib/postgresql/{major}/lib")
    return debian if debian.exists() else bindir.parent / "lib"


def _candidates() -> list[Path]:
    found: list[Path] = []
    if env := os.environ.get("PG_BIN"):
        return [Path(env)]
    # Debian/Ubuntu keep every installed major side by side; prefer the newest.
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    found.extend(debian)
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            found.append(Path(out.stdout.strip()))
    if postgres := shutil.which("postgres"):
        found.append(Path(postgres).resolve().parent)
    return found


def find_binaries() -> PgBinaries:
    """The newest PostgreSQL >= 15 server on this machine, or a one-line SetupError."""
    for bindir in _candidates():
        major = _major_of(bindir)
        if major is not None and major >= MIN_MAJOR:
            return PgBinaries(bindir=bindir, major=major, pkglibdir=_pkglibdir(bindir, major))
    raise SetupError(f"no PostgreSQL >= {MIN_MAJOR} server found: {INSTALL_HINT}")
