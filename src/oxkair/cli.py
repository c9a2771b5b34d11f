"""The `oxkair` command: each area's commands live beside its package (local/cli.py, schema/cli.py,
audit/cli.py, api/cli.py for `serve`, …); this module joins them and turns expected errors into
one line and an exit code."""

from __future__ import annotations

import sys

import psycopg
import typer
from rich.console import Console

from oxkair.api.cli import serve
from oxkair.audit.cli import app as audit_app
from oxkair.auth import cli as auth_cli
from oxkair.errors import OxkairError
from oxkair.institutions.cli import app as institutions_app
from oxkair.local.cli import app as local_app
from oxkair.migrate.cli import app as migrate_app
from oxkair.ops.cli import app as ops_app
from oxkair.schema.cli import app as db_app

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # one line per error, whatever its length

# Locals are never shown in tracebacks: they hold connection parameters and passwords.
app = typer.Typer(help="HIPAA-grade backend for Oxkair on Azure PostgreSQL.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
app.add_typer(local_app, name="local")  # oxkair local start|stop|status|url|psql
app.add_typer(db_app, name="db")  # oxkair db upgrade|status|sql|schema
app.add_typer(audit_app, name="audit")  # oxkair audit verify|anchor|export|report|auditors
app.command("serve")(serve)
app.add_typer(migrate_app, name="migrate")  # oxkair migrate plan|run|verify|status
app.add_typer(ops_app)  # oxkair backup ..., oxkair check
app.add_typer(auth_cli.app, name="auth")  # oxkair auth rotate-keys
app.add_typer(auth_cli.outbox_app, name="outbox")  # oxkair outbox [send]
app.add_typer(institutions_app, name="institutions")  # oxkair institutions admins add|remove|list



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
