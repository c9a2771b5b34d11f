"""Every command and sub-command prints its help (a broken help text is a user-facing crash)."""

from __future__ import annotations

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
    assert {"serve", "local", "db", "audit", "migrate", "backup", "check", "auth", "outbox"} <= top
