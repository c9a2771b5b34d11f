"""`oxkair audit`: verify the hash chain (and its anchors), anchor its heads, export it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oxkair.audit import report_cli
from oxkair.cli_output import print_table
from oxkair.cli_settings import cli_settings as _settings
from oxkair.errors import OxkairError

console = Console(soft_wrap=True)
app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def audit_verify(
    anchor: Annotated[str | None, typer.Option(
        "--anchor", help="also check the anchors in this directory or az://container/prefix")] = None,
) -> None:
    """Check the hash chain (and, with --anchor, that every anchored entry is still on it); exit 1
    when any entry was altered, inserted or deleted."""
    from oxkair.audit import verify_chain
    from oxkair.target import admin_connection

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


@app.command("anchor")
def audit_anchor(
    to: Annotated[str, typer.Option("--to", help="a directory or az://container/prefix")],
) -> None:
    """Write the chain heads, MAC'd with OXKAIR_AUDIT_ANCHOR_KEY, outside the database (after
    every backup and on a schedule: docs/audit.md)."""
    from oxkair.audit.anchor import parse_anchor_key, server_label, write_anchor
    from oxkair.ops.storage import open_storage
    from oxkair.target import admin_connection

    settings = _settings()
    key = parse_anchor_key(settings.oxkair_audit_anchor_key)
    storage = open_storage(to, settings)
    with admin_connection(settings, autocommit=True) as conn:
        name = write_anchor(conn, storage, key, server_label(settings))
    console.print(f"anchor written: {name}")


@app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="JSON-lines file to write")],
    since: Annotated[str | None, typer.Option(help="ISO date or time")] = None,
) -> None:
    """Export entries (with their hashes) as JSON lines for examination or archiving."""
    from datetime import datetime

    from oxkair.audit import export_entries
    from oxkair.target import admin_connection

    try:
        start = datetime.fromisoformat(since) if since else None
    except ValueError as exc:
        raise OxkairError(f"--since: not an ISO date or time: {since!r}") from exc
    with admin_connection(_settings(), autocommit=True) as conn, out.open("w") as fh:
        written = export_entries(conn, fh, start)
    console.print(f"exported {written} entries to {out}")


# The access review (audit/report_cli.py): reports by patient, case or user, and global auditors.
app.command("report")(report_cli.report)  # oxkair audit report --mrn|--case|--user
app.add_typer(report_cli.auditors_app, name="auditors")  # oxkair audit auditors add|remove|list
