"""Tables of the CLI: fitted to a terminal; elsewhere (logs, CI, a pipe) as wide as their values."""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

# Wider than any table's values; only used to measure what a table needs.
_UNBOUNDED = 100_000


def print_table(console: Console, table: Table) -> None:
    """On a terminal the table fits its width (cells wrap); when the output is not a terminal,
    nothing is cut or wrapped: a name or a piece of evidence is read whole in a log."""
    if console.is_terminal:
        console.print(table)
        return
    table.expand = False
    needed = Measurement.get(console, console.options.update(max_width=_UNBOUNDED), table).maximum
    wide = Console(file=console.file, width=max(needed, console.width), soft_wrap=True,
                   force_terminal=False, no_color=console.no_color)
    wide.print(table)
