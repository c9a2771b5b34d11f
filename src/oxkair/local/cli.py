"""`oxkair local`: the embedded PostgreSQL (TLS-only, pgaudit), started, stopped, inspected."""

from __future__ import annotations

import json
import subprocess
from typing import Annotated

import typer
from rich.console import Console

from oxkair.cli_settings import cli_settings as _settings
from oxkair.config import Settings
from oxkair.errors import OxkairError
from oxkair.local.cluster import LocalServer

console = Console(soft_wrap=True)
app = typer.Typer(help="The embedded PostgreSQL (TLS-only, pgaudit).", no_args_is_help=True)


def _server(settings: Settings) -> LocalServer:
    from oxkair.target import local_server

    if not settings.embedded:
        raise OxkairError("PGHOST is set: `oxkair local` manages only the embedded server")
    return local_server(settings)


@app.command("start")
def local_start() -> None:
    """Initialise (first time) and start the embedded server; a no-op when running."""
    server = _server(_settings())
    started = server.start()
    console.print(f"{'started' if started else 'already running'}: {server.url()}")


@app.command("stop")
def local_stop() -> None:
    """Stop the embedded server (data is kept)."""
    server = _server(_settings())
    console.print("stopped" if server.stop() else "not running")


@app.command("status")
def local_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Whether the embedded server is initialised and running; exit 3 when it is not running."""
    state = _server(_settings()).status()
    if as_json:
        console.print_json(json.dumps(state))
    else:
        for key, value in state.items():
            console.print(f"{key}: {value}")
    if not state["running"]:
        raise typer.Exit(3)


@app.command("url")
def local_url(role: Annotated[str, typer.Option(help="login role")] = "oxkair_admin") -> None:
    """A verify-full connection URL for a login role of the embedded server."""
    server = _server(_settings())
    server.start()
    typer.echo(server.url(role))


@app.command("psql", context_settings={"allow_extra_args": True,
                                              "ignore_unknown_options": True})
def local_psql(
    ctx: typer.Context,
    role: Annotated[str, typer.Option(help="login role")] = "oxkair_admin",
) -> None:
    """psql connected over TLS (verify-full) as a login role; extra arguments go to psql."""
    server = _server(_settings())
    server.start()
    from oxkair.local.binaries import find_binaries

    psql = find_binaries().tool("psql")
    raise typer.Exit(subprocess.call([psql, server.url(role), *ctx.args]))
