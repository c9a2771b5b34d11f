"""What the CLI prints: tables whole when not on a terminal, migrations in the order applied."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from oxkair.cli_output import print_table

LONG = "public.medical_notes, public.profiles, public.user_settings, auth.users: RLS enabled and forced " * 2


def _table() -> Table:
    table = Table("control", "status", "evidence", title="164.312(a)(1) Access control", expand=True)
    table.add_row("Row-level security\nrls.enabled", "PASS", LONG.strip())
    table.add_row("backup-2026-12-04T03-50-00Z-0123456789abcdef", "complete", "x")
    return table


def test_tables_are_whole_when_the_output_is_not_a_terminal() -> None:
    out = io.StringIO()
    print_table(Console(file=out, width=80), _table())  # a file: not a terminal (logs, CI)
    text = out.getvalue()
    assert LONG.strip() in text and "backup-2026-12-04T03-50-00Z-0123456789abcdef" in text
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) > 80


def test_tables_fit_a_terminal() -> None:
    out = io.StringIO()
    print_table(Console(file=out, width=80, force_terminal=True), _table())
    lines = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue()).splitlines()  # colours aside
    assert max(len(line) for line in lines) <= 80 and len(lines) > 6  # wrapped to the width


def test_db_upgrade_lists_migrations_in_the_order_applied(capsys: pytest.CaptureFixture[str]) -> None:
    from oxkair.schema.cli import _print_applied

    _print_applied(["0001_foundation", "0043_institution_search_suffixes",
                    "0021_migration_institution_search", "0044_institution_search_index_order"])
    assert capsys.readouterr().out.splitlines() == [
        "applied 4 migrations, in this order:",
        "  0001  foundation",
        "  0043  institution_search_suffixes",
        "  0021  migration_institution_search  (after 0043: it depends on a later-numbered one)",
        "  0044  institution_search_index_order",
    ]
    _print_applied([])
    assert capsys.readouterr().out == "schema is up to date\n"


def test_upgrade_applies_in_number_order_but_for_declared_dependencies(tmp_path: Path) -> None:
    from yoyo import read_migrations
    from yoyo.migrations import topological_sort

    from oxkair.schema.runner import MIGRATIONS_DIR

    order = [m.id for m in topological_sort(read_migrations(str(MIGRATIONS_DIR)))]
    assert order == sorted(order) and order[0] == "0001_baseline_schemas"
    # A later migration may declare a dependency on a later-numbered one: it goes after it.
    (tmp_path / "0011_a.sql").write_text("SELECT 1;\n")
    (tmp_path / "0012_b.sql").write_text("-- depends: 0013_c\nSELECT 1;\n")
    (tmp_path / "0013_c.sql").write_text("SELECT 1;\n")
    assert [m.id for m in topological_sort(read_migrations(str(tmp_path)))] == ["0011_a", "0013_c", "0012_b"]
