"""`oxkair backup ...` and `oxkair check`: the operations commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from oxkair.cli_output import print_table
from oxkair.config import Settings
from oxkair.errors import OxkairError

console = Console(soft_wrap=True)
err = Console(stderr=True)

# Registered without a name in oxkair.cli: adds `oxkair backup ...` and `oxkair check`.
app = typer.Typer()
backup_app = typer.Typer(help="Encrypted logical backups kept 6 years (docs/operations.md).",
                         no_args_is_help=True)
app.add_typer(backup_app, name="backup")

ToOption = Annotated[str | None, typer.Option("--to", help="directory or az://container/prefix "
                                                            "(default OXKAIR_BACKUP_TO)")]
FromOption = Annotated[str | None, typer.Option("--from", help="directory or az://container/prefix "
                                                                "(default OXKAIR_BACKUP_TO)")]


def _settings() -> Settings:
    from oxkair.cli_settings import cli_settings

    return cli_settings()


def _start_embedded(settings: Settings) -> None:
    from oxkair.target import start_embedded

    start_embedded(settings)


def _key(settings: Settings):  # type: ignore[no-untyped-def]
    from oxkair.ops.crypto import BackupKey

    return BackupKey.from_setting(settings.oxkair_backup_key)


@contextmanager
def _bytes_progress(label: str, total: int | None = None) -> Iterator[Progress]:
    columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        progress.add_task(label, total=total)
        yield progress


@backup_app.command("keygen")
def keygen() -> None:
    """Print a new random backup key: store it in a key vault as OXKAIR_BACKUP_KEY, never beside backups."""
    from oxkair.ops.crypto import BackupKey

    typer.echo(BackupKey.generate())


@backup_app.command("create")
def create(to: ToOption = None) -> None:
    """Dump the database (one snapshot), encrypt it as it streams, write it and its manifest."""
    from oxkair.ops.backup import create_backup
    from oxkair.ops.storage import open_storage

    settings = _settings()
    key = _key(settings)
    storage = open_storage(to, settings)
    _start_embedded(settings)
    with _bytes_progress("dumping and encrypting") as progress:
        task = progress.task_ids[0]
        manifest = create_backup(settings, storage, key, lambda n: progress.advance(task, n))
    rows = sum(t.rows for t in manifest.tables.values())
    console.print(f"backup {manifest.name} written to {storage.description}: {len(manifest.tables)} tables, "
                  f"{rows} rows, {manifest.file_bytes} bytes encrypted (key {manifest.key_id}), "
                  f"schema {manifest.schema_version}")
    if settings.oxkair_audit_anchor_key:
        # The backup carries the audit trail's anchor of its time (docs/audit.md): a restore can
        # be checked with `oxkair audit verify --anchor` against the same destination.
        from oxkair.audit.anchor import parse_anchor_key, server_label, write_anchor
        from oxkair.target import admin_connection

        with admin_connection(settings, autocommit=True) as conn:
            name = write_anchor(conn, storage, parse_anchor_key(settings.oxkair_audit_anchor_key),
                                server_label(settings))
        console.print(f"audit anchor {name} written beside it")


@backup_app.command("list")
def list_(from_: FromOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The backups at the destination, oldest first."""
    from oxkair.ops.backup import list_backups
    from oxkair.ops.storage import open_storage

    settings = _settings()
    storage = open_storage(from_, settings)
    backups = list_backups(storage)
    if as_json:
        console.print_json(json.dumps([
            {"name": b.name, "created_at": b.manifest.created_at if b.manifest else None,
             "complete": b.problem is None, "problem": b.problem,
             "schema_version": b.manifest.schema_version if b.manifest else None,
             "file_bytes": b.manifest.file_bytes if b.manifest else None,
             "key_id": b.manifest.key_id if b.manifest else None,
             "rows": sum(t.rows for t in b.manifest.tables.values()) if b.manifest else None}
            for b in backups]))
        return
    table = Table("backup", "created (UTC)", "schema", "rows", "bytes", "key", "state",
                  title=f"backups in {storage.description}")
    for b in backups:
        m = b.manifest
        table.add_row(b.name, m.created_at[:19] if m else "?", (m.schema_version or "-") if m else "?",
                      str(sum(t.rows for t in m.tables.values())) if m else "?",
                      str(m.file_bytes) if m else "?", m.key_id if m else "?",
                      f"[red]{b.problem}[/]" if b.problem else "complete")
    print_table(console, table)


@contextmanager
def _phase_progress(total: int) -> Iterator[object]:
    with _bytes_progress("restoring", total) as progress:
        task = progress.task_ids[0]
        seen: set[str] = set()

        def advance(phase: str, n: int) -> None:
            if phase not in seen:
                seen.add(phase)
                progress.update(task, description=f"restoring: {phase}", completed=0)
            progress.advance(task, n)

        yield advance


def _open_backup(from_: str | None, name: str | None) -> tuple[Settings, Any, Any, int]:
    """What restore and verify start from: settings, key, storage, the backup's dump size (for
    progress); the embedded server started when used."""
    from oxkair.ops.backup import pick
    from oxkair.ops.storage import open_storage

    settings = _settings()
    key = _key(settings)
    storage = open_storage(from_, settings)
    _start_embedded(settings)
    return settings, key, storage, pick(storage, name).dump_bytes


@backup_app.command("restore")
def restore(
    to: Annotated[str, typer.Option("--to", help="`new-db` (a new database on the configured server) "
                                                 "or a connection string/URL")],
    from_: FromOption = None,
    name: Annotated[str | None, typer.Option(help="backup name (default: the newest)")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="replace the contents of a non-empty database")] = False,
) -> None:
    """Restore a backup; refuses a non-empty target database unless --force."""
    from oxkair.ops.backup import restore_backup

    settings, key, storage, total = _open_backup(from_, name)
    with _phase_progress(total) as advance:
        manifest, params = restore_backup(settings, storage, key, to, name, force, advance)  # type: ignore[arg-type]
    console.print(f"restored {manifest.name} into database {params.get('dbname')} "
                  f"on {params.get('host')}:{params.get('port')}")


@backup_app.command("verify")
def verify(
    from_: FromOption = None,
    name: Annotated[str | None, typer.Option(help="backup name (default: the newest)")] = None,
) -> None:
    """Restore into a scratch database, compare every table's rows and hash with the manifest."""
    from oxkair.ops.backup import verify_backup

    settings, key, storage, total = _open_backup(from_, name)
    with _phase_progress(total) as advance:
        result = verify_backup(settings, storage, key, name, advance)  # type: ignore[arg-type]
    if result.problems:
        for problem in result.problems:
            err.print(f"[red]mismatch:[/] {problem}")
        raise OxkairError(f"backup {result.manifest.name} FAILED verification "
                          f"({len(result.problems)} tables differ)")
    console.print(f"backup {result.manifest.name} verified: {result.tables} tables, {result.rows} rows "
                  "restored and matching the manifest")


@backup_app.command("prune")
def prune(
    from_: FromOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would go; delete nothing")] = False,
    allow_short_retention: Annotated[bool, typer.Option(
        "--allow-short-retention", help="accept monthly/yearly retention below 6 years")] = False,
) -> None:
    """Delete backups that no grandfather-father-son tier keeps (nothing under 6 years in monthly/yearly)."""
    from oxkair.ops.backup import policy_from, prune_backups
    from oxkair.ops.storage import open_storage

    settings = _settings()
    storage = open_storage(from_, settings)
    decision = prune_backups(storage, policy_from(settings), dry_run=dry_run,
                             allow_short=allow_short_retention)
    table = Table("backup", "kept by", title=f"retention in {storage.description}"
                  + (" (dry run)" if dry_run else ""))
    for backup, tiers in sorted(decision.items()):
        table.add_row(backup, ", ".join(tiers) if tiers else
                      ("[yellow]would be pruned[/]" if dry_run else "[red]pruned[/]"))
    print_table(console, table)


@app.command("check")
def check(as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False) -> None:
    """HIPAA 164.312 controls of the configured server, with evidence; exit 1 on any fail."""
    from oxkair.compliance import SAFEGUARDS, run_checks
    from oxkair.db.connect import connect
    from oxkair.target import admin_params

    settings = _settings()
    _start_embedded(settings)
    params = admin_params(settings)
    with connect(params, autocommit=True) as conn:
        report = run_checks(conn, settings, params)
    if as_json:
        console.print_json(json.dumps(report.as_dict()))
    else:
        colour = {"pass": "green", "fail": "red", "unknown": "yellow"}
        for safeguard in SAFEGUARDS:
            controls = [c for c in report.controls if c.safeguard == safeguard]
            if not controls:
                continue
            table = Table("control", "status", "evidence", title=safeguard, title_justify="left",
                          expand=True)
            for c in controls:
                table.add_row(f"{c.title}\n[dim]{c.id}[/]", f"[{colour[c.status]}]{c.status.upper()}[/]",
                              c.evidence)
            print_table(console, table)
        s = report.summary()
        console.print(f"{report.server}: {s['pass']} pass, {s['fail']} fail, {s['unknown']} unknown")
    if report.failed:
        raise typer.Exit(1)
