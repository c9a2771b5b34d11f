"""`oxkair db`: the schema migrations (upgrade, status, the SQL for a DBA, the current schema)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from oxkair.cli_output import print_table
from oxkair.cli_settings import cli_settings as _settings

console = Console(soft_wrap=True)
app = typer.Typer(help="Schema migrations.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Create the roles and apply every pending migration (idempotent)."""
    from oxkair.target import ready

    _print_applied(ready(_settings(), say=console.print))


def _print_applied(applied: list[str]) -> None:
    """One migration a line, in the order applied: by number, except where a migration's
    `-- depends:` line put it after a later-numbered one (said so)."""
    if not applied:
        console.print("schema is up to date")
        return
    console.print(f"applied {len(applied)} migration{'s' if len(applied) != 1 else ''}, in this order:")
    highest = ""
    for migration_id in applied:
        number, _, name = migration_id.partition("_")
        note = f"  (after {highest}: it depends on a later-numbered one)" if number < highest else ""
        highest = max(highest, number)
        console.print(f"  {number}  {name}{note}", markup=False, highlight=False)


@app.command("status")
def db_status() -> None:
    """Applied and pending migrations; exit 1 when any is pending."""
    from oxkair.schema.runner import status
    from oxkair.target import admin_params, start_embedded

    settings = _settings()
    start_embedded(settings)
    states = status(admin_params(settings))
    table = Table("migration", "state")
    for state in states:
        table.add_row(state.id, "applied" if state.applied else "[yellow]pending[/]")
    print_table(console, table)
    if any(not s.applied for s in states):
        raise typer.Exit(1)


@app.command("sql")
def db_sql() -> None:
    """Print the SQL of every migration for a DBA to review before applying on Azure."""
    from oxkair.schema.runner import review_sql

    typer.echo(review_sql())


@app.command("schema")
def db_schema() -> None:
    """Print the current schema as the migrations built it (what docs/schema.sql holds)."""
    from oxkair.schema.current import current_schema
    from oxkair.target import admin_params, local_server, start_embedded

    settings = _settings()
    start_embedded(settings)
    # Embedded: its superuser, so pg_dump reads every catalog entry.
    params = local_server(settings).superuser_conninfo() if settings.embedded else admin_params(settings)
    typer.echo(current_schema(params), nl=False)
