"""Every command and sub-command prints its help (a broken help text is a user-facing crash)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from oxkair.cli import app


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    # Typer ships its own click: a group is whatever has sub-commands.
    if isinstance(getattr(command, "commands", None), dict):
        for name, sub in command.commands.items():
            yield from _paths(sub, (*prefix, name))


COMMANDS = list(_paths(typer.main.get_command(app)))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "oxkair")
def test_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_every_area_is_reachable() -> None:
    top = {p[0] for p in COMMANDS if p}
    assert {"serve", "local", "db", "audit", "migrate", "backup", "check", "auth", "outbox",
            "institutions"} <= top


USAGE_ERRORS = [["serve", "--workers", "0"], ["serve", "--port", "abc"], ["serve", "--bogus"],
                ["migrate", "run", "--workers", "x"], ["nosuchcommand"]]


@pytest.mark.parametrize("argv", USAGE_ERRORS)
def test_usage_errors_exit_2_without_a_traceback(argv: list[str]) -> None:
    """What the installed `oxkair` does (main(), not CliRunner): one message, exit code 2."""
    result = subprocess.run([sys.executable, "-c", "from oxkair.cli import main; main()", *argv],
                            capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "100"})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Error:" in result.stderr


def test_an_invalid_setting_is_named_in_one_line_without_its_value(tmp_path: Any) -> None:
    env = {**os.environ, "COLUMNS": "200", "OXKAIR_WORKERS": "0", "PGPORT": "s3cret-looking"}
    result = subprocess.run([sys.executable, "-c", "from oxkair.cli import main; main()", "local", "status"],
                            capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "s3cret-looking" not in result.stderr
    assert "OXKAIR_WORKERS" in result.stderr and "PGPORT" in result.stderr
