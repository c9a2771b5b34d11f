"""`oxkair auth rotate-keys` and `oxkair outbox` (pending emails; `send` delivers them by SMTP)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from oxkair.cli_settings import cli_settings as load_settings
from oxkair.config import Settings
from oxkair.errors import OxkairError

console = Console(soft_wrap=True)

app = typer.Typer(help="Authentication: signing keys, the anon key.", no_args_is_help=True)
outbox_app = typer.Typer(help="Emails waiting in the outbox (verification, password reset).",
                         invoke_without_command=True)


@app.command("rotate-keys")
def rotate_keys_command() -> None:
    """Add a new signing key; the old ones verify until their tokens have expired."""
    from oxkair.auth.keys import read_key_dir, require_key_dir, rotate_keys

    settings = load_settings()
    directory = require_key_dir(settings)
    kid, removed = rotate_keys(directory, settings.oxkair_access_token_ttl)
    console.print(f"new signing key: {kid}")
    if removed:
        console.print(f"removed (their tokens have expired): {', '.join(removed)}")
    verifying = [k.kid for k in read_key_dir(directory) if k.kid != kid]
    if verifying:
        console.print(f"still verifying: {', '.join(verifying)}")
    console.print("running API processes pick the new key up within 10 seconds")


@app.command("anon-key")
def anon_key_command() -> None:
    """Print the anon key for supabase-js (NEXT_PUBLIC_SUPABASE_ANON_KEY), as the last line.

    It names this deployment (its issuer) and grants nothing beyond oxkair_anon: it is public by
    design, ships in the front end's bundle, and stays valid across key rotations."""
    from oxkair.auth.anon_key import issue_anon_key
    from oxkair.auth.keys import KeyStore

    settings = load_settings()
    key = issue_anon_key(KeyStore.from_settings(settings), settings.oxkair_jwt_issuer)
    print(key)  # plain print: rich would wrap or style it


def _owner_connection(settings: Settings) -> Any:
    from oxkair.target import admin_connection

    return admin_connection(settings, autocommit=True)


@outbox_app.callback()
def outbox_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="show at most this many (the newest)")] = 50,
) -> None:
    """List pending messages, newest first, bodies included (local use: the links to click are
    there), and how many are pending in all."""
    if ctx.invoked_subcommand is not None:
        return
    from oxkair.auth.outbox import newest_pending

    with _owner_connection(load_settings()) as conn:
        conn.execute("SET ROLE oxkair_owner")
        messages, total = newest_pending(conn, limit)
    if not messages:
        console.print("outbox empty")
        return
    for message in messages:
        table = Table(show_header=False, box=None)
        table.add_row("id", str(message.id))
        table.add_row("to", message.to_address)
        table.add_row("subject", message.subject)
        table.add_row("queued", str(message.created_at))
        if message.attempts:
            table.add_row("attempts", f"{message.attempts} (last error: {message.last_error})")
        console.print(table)
        console.print(message.body, markup=False, highlight=False)
        console.rule()
    shown = f" (the newest {len(messages)} shown above; --limit shows more)" if total > len(messages) else ""
    console.print(f"{total} pending in all{shown}, newest first")


@outbox_app.command("send")
def outbox_send(limit: Annotated[int, typer.Option(help="at most this many")] = 100) -> None:
    """Deliver pending messages through SMTP (OXKAIR_SMTP_*); exit 1 when any failed."""
    from oxkair.auth.outbox import SmtpSender, deliver

    settings = load_settings()
    if not settings.oxkair_smtp_host:
        raise OxkairError("OXKAIR_SMTP_HOST is not set: nothing can be sent (`oxkair outbox` lists them)")
    with _owner_connection(settings) as conn:
        conn.execute("SET ROLE oxkair_owner")
        sent, failed = deliver(conn, SmtpSender(settings), limit)
    console.print(f"sent {sent}, failed {failed}")
    if failed:
        raise typer.Exit(1)
