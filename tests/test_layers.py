"""The layers import one way (issue 16): the connection layer knows no embedded server, and the
embedded server neither the connection layer nor the migration runner; oxkair.target joins them.
Read from the source, so an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "oxkair"


def _imported_by(package: str) -> dict[str, set[str]]:
    """oxkair modules imported anywhere in the package's files, by file. Its cli.py is the top
    layer (the command, which may use anything) and is not counted."""
    found: dict[str, set[str]] = {}
    for path in sorted((SRC / package).rglob("*.py")):
        if path.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.startswith("oxkair."):
                    found.setdefault(name, set()).add(path.name)
    return found


@pytest.mark.parametrize(("package", "forbidden"), [
    ("db", ("oxkair.local", "oxkair.schema", "oxkair.target")),
    ("local", ("oxkair.db", "oxkair.schema.runner", "oxkair.target")),
])
def test_a_layer_does_not_import_the_one_above(package: str, forbidden: tuple[str, ...]) -> None:
    wrong = {name: files for name, files in _imported_by(package).items() if name.startswith(forbidden)}
    assert wrong == {}


def test_the_check_reads_imports_inside_functions() -> None:
    # oxkair.local's bootstrap imports its logins module inside a method: it must be seen.
    assert "oxkair.local.logins" in _imported_by("local")
