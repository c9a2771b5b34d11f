"""The `oxkair` command: one sub-app per area (local, db, audit) and `serve`."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from oxkair.audit import report_cli as audit_report_cli
from oxkair.auth import cli as auth_cli
from oxkair.cli_output import print_table
from oxkair.cli_settings import cli_settings
from oxkair.config import Settings
from oxkair.errors import OxkairError, SetupError
from oxkair.institutions.cli import app as institutions_app
from oxkair.migrate.cli import app as migrate_app
from oxkair.ops.cli import app as ops_app

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # one line per error, whatever its length

# Locals are never shown in tracebacks: they hold connection parameters and passwords.
app = typer.Typer(help="HIPAA-grade backend for Oxkair on Azure PostgreSQL.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
local_app = typer.Typer(help="The embedded PostgreSQL (TLS-only, pgaudit).", no_args_is_help=True)
db_app = typer.Typer(help="Schema migrations.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
app.add_typer(local_app, name="local")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(migrate_app, name="migrate")  # oxkair migrate plan|run|verify|status
app.add_typer(ops_app)  # oxkair backup ..., oxkair check
app.add_typer(auth_cli.app, name="auth")  # oxkair auth rotate-keys
app.add_typer(auth_cli.outbox_app, name="outbox")  # oxkair outbox [send]
app.add_typer(institutions_app, name="institutions")  # oxkair institutions admins add|remove|list
audit_app.command("report")(audit_report_cli.report)  # oxkair audit report --mrn|--case|--user
audit_app.add_typer(audit_report_cli.auditors_app, name="auditors")  # oxkair audit auditors add|remove|list


_settings = cli_settings


def _server(settings: Settings) -> Any:
    from oxkair.local import LocalServer

    if not settings.embedded:
        raise OxkairError("PGHOST is set: `oxkair local` manages only the embedded server")
    return LocalServer(settings.home, settings.oxkair_local_port, settings.oxkair_local_tls_min_version)


# ───────────────────────────────────────────────────────────────── local
@local_app.command("start")
def local_start() -> None:
    """Initialise (first time) and start the embedded server; a no-op when running."""
    server = _server(_settings())
    started = server.start()
    console.print(f"{'started' if started else 'already running'}: {server.url()}")


@local_app.command("stop")
def local_stop() -> None:
    """Stop the embedded server (data is kept)."""
    server = _server(_settings())
    console.print("stopped" if server.stop() else "not running")


@local_app.command("status")
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


@local_app.command("url")
def local_url(role: Annotated[str, typer.Option(help="login role")] = "oxkair_admin") -> None:
    """A verify-full connection URL for a login role of the embedded server."""
    server = _server(_settings())
    server.start()
    typer.echo(server.url(role))


@local_app.command("psql", context_settings={"allow_extra_args": True,
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


# ───────────────────────────────────────────────────────────────── db
@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the roles and apply every pending migration (idempotent)."""
    from oxkair.db import admin_params
    from oxkair.schema.runner import upgrade

    settings = _settings()
    if settings.embedded:
        _server(settings).start()
    applied = upgrade(admin_params(settings), say=console.print)
    _print_applied(applied)


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


@db_app.command("status")
def db_status() -> None:
    """Applied and pending migrations; exit 1 when any is pending."""
    from oxkair.db import admin_params
    from oxkair.schema.runner import status

    settings = _settings()
    if settings.embedded:
        _server(settings).start()
    states = status(admin_params(settings))
    table = Table("migration", "state")
    for state in states:
        table.add_row(state.id, "applied" if state.applied else "[yellow]pending[/]")
    print_table(console, table)
    if any(not s.applied for s in states):
        raise typer.Exit(1)


@db_app.command("sql")
def db_sql() -> None:
    """Print the SQL of every migration for a DBA to review before applying on Azure."""
    from oxkair.schema.runner import review_sql

    typer.echo(review_sql())


@db_app.command("schema")
def db_schema() -> None:
    """Print the current schema as the migrations built it (what docs/schema.sql holds)."""
    from oxkair.db import admin_params
    from oxkair.schema.current import current_schema

    settings = _settings()
    if settings.embedded:
        server = _server(settings)
        server.start()
        params = server.superuser_conninfo()  # pg_dump reads every catalog entry
    else:
        params = admin_params(settings)
    typer.echo(current_schema(params), nl=False)


# ───────────────────────────────────────────────────────────────── audit
@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[str | None, typer.Option(
        "--anchor", help="also check the anchors in this directory or az://container/prefix")] = None,
) -> None:
    """Check the hash chain (and, with --anchor, that every anchored entry is still on it); exit 1
    when any entry was altered, inserted or deleted."""
    from oxkair.audit import verify_chain
    from oxkair.db import admin_connection

    settings = _settings()
    with admin_connection(settings, autocommit=True) as conn:
        report = verify_chain(conn)
        anchors = None
        if anchor is not None:
            from oxkair.audit.anchor import check_anchors, parse_anchor_key
            from oxkair.ops.storage import open_storage

            anchors = check_anchors(conn, open_storage(anchor, settings),
                                    parse_anchor_key(settings.oxkair_audit_anchor_key))
    broken = bool(report.problems) or bool(anchors and anchors.problems)
    if report.problems:
        table = Table("lane", "seq", "problem",
                      title=f"audit trail BROKEN ({len(report.problems)} problems)")
        for problem in report.problems:
            table.add_row(str(problem.lane), str(problem.seq), problem.problem)
        print_table(console, table)
    else:
        console.print(f"audit trail intact: {report.entries} entries verified")
        console.print(f"anchor (record it outside the database): {report.anchor}")
    if anchors is not None:
        for found in anchors.problems:
            console.print(f"[red]anchor:[/] {found}", highlight=False)
        if not anchors.problems:
            console.print(f"anchors: {anchors.anchors} files, {anchors.heads} anchored heads all on "
                          "the chain")
    if broken:
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor(
    to: Annotated[str, typer.Option("--to", help="a directory or az://container/prefix")],
) -> None:
    """Write the chain heads, MAC'd with OXKAIR_AUDIT_ANCHOR_KEY, outside the database (after
    every backup and on a schedule: docs/audit.md)."""
    from oxkair.audit.anchor import parse_anchor_key, server_label, write_anchor
    from oxkair.db import admin_connection
    from oxkair.ops.storage import open_storage

    settings = _settings()
    key = parse_anchor_key(settings.oxkair_audit_anchor_key)
    storage = open_storage(to, settings)
    with admin_connection(settings, autocommit=True) as conn:
        name = write_anchor(conn, storage, key, server_label(settings))
    console.print(f"anchor written: {name}")


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="JSON-lines file to write")],
    since: Annotated[str | None, typer.Option(help="ISO date or time")] = None,
) -> None:
    """Export entries (with their hashes) as JSON lines for examination or archiving."""
    from datetime import datetime

    from oxkair.audit import export_entries
    from oxkair.db import admin_connection

    try:
        start = datetime.fromisoformat(since) if since else None
    except ValueError as exc:
        raise OxkairError(f"--since: not an ISO date or time: {since!r}") from exc
    with admin_connection(_settings(), autocommit=True) as conn, out.open("w") as fh:
        written = export_entries(conn, fh, start)
    console.print(f"exported {written} entries to {out}")


# ───────────────────────────────────────────────────────────────── serve
_ANY_HOST = ("0.0.0.0", "::", "")  # noqa: S104 (what --host may say, not what we bind here)


def _public_url(host: str, port: int) -> str:
    """The base of email links for a server on host:port (all interfaces: this machine)."""
    shown = "127.0.0.1" if host in _ANY_HOST else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def _require_free_port(host: str, port: int) -> None:
    """Refuse a port something already listens on, the way uvicorn would bind it (SO_REUSEADDR:
    a port in TIME_WAIT is free), before the embedded server or anything else starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SetupError(f"port {port} is already in use on {host}: stop what uses it, "
                                 "or choose another with --port") from None
            raise SetupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="load demo data and print a demo login")] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, max=64, help="API processes (default OXKAIR_WORKERS, 1); one per CPU in production")] = None,
) -> None:
    """Start the embedded server (unless PGHOST is set), apply the schema, serve the HTTP API
    until Ctrl-C."""
    import uvicorn

    from oxkair.api import create_app
    from oxkair.api.security import uvicorn_log_config
    from oxkair.db import admin_params
    from oxkair.schema.runner import upgrade

    settings = _settings()
    _require_free_port(host, port)  # before anything starts: one line, exit 2
    if "oxkair_public_url" not in settings.model_fields_set:
        # Email links (verification, reset) point where this server listens, unless set.
        url = _public_url(host, port)
        settings = settings.model_copy(update={"oxkair_public_url": url})
        os.environ["OXKAIR_PUBLIC_URL"] = url  # --workers N: each process reads the environment
    server = _server(settings) if settings.embedded else None
    started = server.start() if server else False
    try:
        applied = upgrade(admin_params(settings), say=console.print)
        console.print(f"schema: {f'applied {len(applied)} migrations' if applied else 'up to date'}")
        if server:
            console.print(f"embedded PostgreSQL {server.status()['version']} on 127.0.0.1:{server.port}"
                          " (TLS only, verify-full)")
            # How to connect, never a secret: service logs keep what is printed here.
            console.print("  connect:  oxkair local psql   (oxkair local url prints a connection URL)")
        else:
            console.print(f"server: {settings.pghost}:{settings.pgport}/{settings.pgdatabase}")
        if demo:
            from oxkair.demo.cli import load_and_report

            load_and_report(settings, console)
        if not settings.oxkair_require_email_verification:
            err.print("[yellow]warning:[/] OXKAIR_REQUIRE_EMAIL_VERIFICATION=false: unverified addresses "
                      "can sign in (local trials only)")
        console.print(f"email links: {settings.oxkair_public_url}"
                      + ("" if "oxkair_public_url" in settings.model_fields_set or host not in _ANY_HOST
                         else " (set OXKAIR_PUBLIC_URL to the address people reach)"))
        processes = workers or settings.oxkair_workers
        console.print(f"API on http://{host}:{port} ({processes} process{'es' if processes > 1 else ''})"
                      "  (emails: oxkair outbox); Ctrl-C to stop")
        # uvicorn handles SIGINT/SIGTERM itself and returns once it has shut down. Several workers
        # are processes started afresh: each builds the app from the same environment and
        # .env.local (the working directory is theirs too) and opens its own pool.
        factory = "oxkair.api.app:app_from_environment"
        app_or_factory: Any = create_app(settings) if processes == 1 else factory
        # Forwarded headers only from configured proxies: uvicorn's default trusts 127.0.0.1 (and
        # FORWARDED_ALLOW_IPS), which let a local client rotate X-Forwarded-For past the limits.
        proxies = settings.trusted_proxies
        uvicorn.run(app_or_factory, factory=processes > 1, workers=processes, host=host, port=port,
                    log_level="info", server_header=False, date_header=False,
                    log_config=uvicorn_log_config(), proxy_headers=bool(proxies),
                    forwarded_allow_ips=",".join(proxies) if proxies else "")
    finally:
        if server and started:
            server.stop()
            console.print("embedded server stopped")


def main() -> None:
    """Entry point: expected errors become one line on stderr and a meaningful exit code."""
    try:
        code = app(standalone_mode=False)
    except OxkairError as exc:
        err.print(f"[red]error:[/] {exc}")
        sys.exit(exc.exit_code)
    except psycopg.Error as exc:
        # The server's own words (no parameters, so no PHI); the statement is not echoed.
        err.print(f"[red]database error:[/] {exc.diag.message_primary or exc}")
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors (typer's own click) carry their exit code: 2
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err.print(f"[red]error:[/] {exc.format_message()}")
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
