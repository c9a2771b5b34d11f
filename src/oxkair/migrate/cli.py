"""`oxkair migrate plan | run | verify | status | decrypt-archive`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from oxkair.cli_output import print_table
from oxkair.cli_settings import cli_settings
from oxkair.config import Settings
from oxkair.errors import OxkairError
from oxkair.migrate.copy import Progress

app = typer.Typer(help="Move a Supabase database into the target schema: plan, run, verify, status.",
                  no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True)

EXIT_WOULD_QUARANTINE = 3
EXIT_BLOCKED = 2

SourceOpt = Annotated[str, typer.Option("--source", envvar="OXKAIR_MIGRATE_SOURCE",
                                        help="Supabase Postgres URL (direct connection, TLS)")]


_settings = cli_settings


def _source(url: str) -> dict[str, Any]:
    from oxkair.migrate.conn import source_params

    return source_params(url, warn=lambda m: err.print(f"[yellow]warning:[/] {m}"))


def _prepare_target(settings: Settings) -> None:
    """The embedded server is started, and the schema upgraded, when needed."""
    from oxkair.target import ready

    ready(settings)


# ───────────────────────────────────────────────────────────── plan
@app.command("plan")
def plan_cmd(source: SourceOpt, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Inspect the source and report every problem; exit 3 when `run` would quarantine rows."""
    from oxkair.migrate.conn import SourceSnapshot
    from oxkair.migrate.plan import make_plan

    snapshot = SourceSnapshot(_source(source))
    try:
        plan = make_plan(snapshot.leader)
    finally:
        snapshot.close()
    if as_json:
        typer.echo(json.dumps(plan.as_dict(), indent=2))
    else:
        _print_plan(plan)
    if plan.blocking:
        raise typer.Exit(EXIT_BLOCKED)
    if plan.would_quarantine:
        raise typer.Exit(EXIT_WOULD_QUARANTINE)


def _print_plan(plan: Any) -> None:
    tables = Table("table", "exists", "rows", "missing columns", title="source")
    for t in plan.tables:
        tables.add_row(t.name, "yes" if t.exists else "[red]no[/]", "" if t.rows is None else str(t.rows),
                       ", ".join(t.missing_columns))
    print_table(console, tables)
    problems = Table("table", "action", "problem", "rows", "examples (ids)", title="problems")
    for f in plan.findings:
        problems.add_row(f.table, "[red]quarantine[/]" if f.kind == "quarantine" else "[yellow]flag[/]",
                         f.reason, str(len(f.ids)), ", ".join(f.ids[:3]))
    if plan.findings:
        print_table(console, problems)
    else:
        console.print("no problems found")
    for problem in plan.blocking:
        console.print(f"[red]blocking:[/] {problem}")
    console.print(f"run would quarantine {plan.would_quarantine} rows" if plan.would_quarantine
                  else "run would quarantine nothing")


# ───────────────────────────────────────────────────────────── run
class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f} rows/s")


class _RichProgress(Progress):
    def __init__(self, progress: RichProgress) -> None:
        self.progress = progress
        self.tasks: dict[str, Any] = {}

    def start(self, table: str, total: int) -> None:
        self.tasks[table] = self.progress.add_task(table, total=total or None)

    def advance(self, table: str, rows: int) -> None:
        self.progress.advance(self.tasks[table], rows)

    def finish(self, table: str) -> None:
        task = self.tasks[table]
        self.progress.update(task, total=self.progress.tasks[task].completed)

    def note(self, message: str) -> None:
        self.progress.console.print(message)


@app.command("run")
def run_cmd(
    source: SourceOpt,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="plan and show what would happen")] = False,
    no_archive: Annotated[bool, typer.Option("--no-archive",
                                             help="do not archive removed tables/columns")] = False,
    archive_dir: Annotated[Path, typer.Option(help="where the encrypted archive goes")] = Path(
        "oxkair-migration-archive"),
    report: Annotated[Path, typer.Option(help="quarantine report (ids and reasons)")] = Path(
        "oxkair-migration-report.csv"),
    chunk_rows: Annotated[int, typer.Option(min=1)] = 5000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="chunks copied at the same time")] = 3,
) -> None:
    """Copy the source into the target: resumable, idempotent, streaming; prints the accounting."""
    from oxkair.migrate.archive import parse_key
    from oxkair.migrate.copy import RunOptions, run
    from oxkair.target import local_server

    settings = _settings()
    params = _source(source)
    if dry_run:
        from oxkair.migrate.conn import SourceSnapshot
        from oxkair.migrate.plan import make_plan

        snapshot = SourceSnapshot(params)
        try:
            plan = make_plan(snapshot.leader)
        finally:
            snapshot.close()
        _print_plan(plan)
        console.print("dry run: nothing was written")
        raise typer.Exit(EXIT_BLOCKED if plan.blocking else 0)
    key = None if no_archive else parse_key(settings.oxkair_archive_key)
    # A target that does not exist yet (the embedded server's first start) is made inside the
    # run, which meanwhile starts on the source (migrate/ahead.py); otherwise made ready first.
    new_target = settings.embedded and not local_server(settings).initialized
    if not new_target:
        _prepare_target(settings)
    options = RunOptions(params, chunk_rows=chunk_rows, workers=workers,
                         archive_dir=None if no_archive else archive_dir.resolve(), archive_key=key,
                         report_path=report)
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
               TimeRemainingColumn())
    with RichProgress(*columns, console=err, transient=False) as bar:
        result = run(settings, options, _RichProgress(bar),
                     make_target=(lambda: _prepare_target(settings)) if new_target else None)
    _print_summary(result)
    _print_membership(settings)
    if not result.balanced:
        raise OxkairError("accounting does not balance (source = migrated + quarantined + excluded); "
                          "the source changed during the migration? run `oxkair migrate verify`")


def _print_summary(result: Any) -> None:
    if result.nothing_to_do:
        console.print("nothing to do: the migration is complete (`oxkair migrate status`)")
    table = Table("table", "source", "migrated", "quarantined", "excluded", "balanced",
                  "rows/s per worker", title="migration summary")
    for t in result.tables:
        rate = f"{t.migrated / t.seconds:,.0f}" if t.seconds > 0 else ""
        table.add_row(t.table, str(t.source_rows), str(t.migrated), str(t.quarantined), str(t.excluded),
                      "[green]yes[/]" if t.balanced else "[red]NO[/]", rate)
    print_table(console, table)
    if result.report_path:
        console.print(f"quarantine report: {result.report_path}")
    if result.archive_dir:
        console.print(f"archive: {result.archive_dir}")


def _print_membership(settings: Settings) -> None:
    """Issue 12: who arrives as a verified member of their institution (docs/migration.md)."""
    from oxkair.migrate.conn import target_connection

    with target_connection(settings) as tgt:
        row = tgt.execute("SELECT count(*) FILTER (WHERE verification_status = 'verified'),"
                          " count(*) FILTER (WHERE verification_status IS DISTINCT FROM 'verified')"
                          " FROM public.profiles").fetchone()
    if row:
        console.print(f"membership: {row[0]} profiles had an institution and are verified members; "
                      f"{row[1]} without one wait for verification (their source verification_status"
                      " is in the archive)")


# ───────────────────────────────────────────────────────────── verify
@app.command("verify")
def verify_cmd(
    source: SourceOpt,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    workers: Annotated[int, typer.Option(min=1, max=32)] = 2,
) -> None:
    """Compare every migrated row and column by content hash; exit 1 on any mismatch."""
    from oxkair.migrate.verify import verify

    checks = verify(_settings(), _source(source), workers)
    bad = sum(c.mismatch_count for c in checks)
    if as_json:
        typer.echo(json.dumps([{**{k: v for k, v in vars(c).items() if k != "mismatches"},
                                "mismatches": [vars(m) for m in c.mismatches]} for c in checks], indent=2))
    else:
        table = Table("table", "compared", "matched", "quarantined", "mismatches", "content sha256",
                      title="verify")
        for c in checks:
            table.add_row(c.table, str(c.compared), str(c.matched), str(c.quarantined),
                          f"[red]{c.mismatch_count}[/]" if c.mismatch_count else "0", c.target_sha256[:16])
        print_table(console, table)
        for c in checks:
            for m in c.mismatches:
                cols = f" (columns: {', '.join(m.columns)})" if m.columns else ""
                console.print(f"[red]mismatch[/] {m.table} {m.id}: {m.problem}{cols}")
        console.print(f"[red]{bad} mismatches[/]" if bad else "[green]source and target match[/]")
    if bad:
        raise typer.Exit(1)


# ───────────────────────────────────────────────────────────── status
@app.command("status")
def status_cmd(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    chunks: Annotated[bool, typer.Option("--chunks", help="list every chunk")] = False,
) -> None:
    """What is done, per table and chunk; exit 1 while anything is unfinished."""
    from oxkair.migrate.conn import target_connection
    from oxkair.migrate.status import (
        chunk_status,
        last_run,
        suspended_foreign_keys,
        suspended_indexes,
        table_status,
    )

    settings = _settings()
    _prepare_target(settings)
    with target_connection(settings) as tgt:
        states = table_status(tgt)
        run = last_run(tgt)
        per_chunk = chunk_status(tgt) if chunks else []
        suspended = suspended_indexes(tgt)
        unchecked = suspended_foreign_keys(tgt)
    if as_json:
        typer.echo(json.dumps({"tables": [vars(s) for s in states], "last_run": run,
                               "suspended_indexes": suspended, "suspended_foreign_keys": unchecked,
                               **({"chunks": per_chunk} if chunks else {})}, indent=2))
    else:
        table = Table("table", "phase", "chunks", "source", "migrated", "quarantined", "excluded", "flagged",
                      title="migration status")
        for s in states:
            table.add_row(s.table, s.phase, f"{s.chunks_done}/{s.chunks_total}", str(s.source_rows),
                          str(s.migrated), str(s.quarantined), str(s.excluded), str(s.flagged))
        if states:
            print_table(console, table)
        else:
            console.print("no migration has started")
        if per_chunk:
            detail = Table("table", "chunk", "from id", "to id", "done", "rows", "seconds", title="chunks")
            for c in per_chunk:
                detail.add_row(c["table"], str(c["chunk"]), c["lo"] or "start", c["hi"] or "end",
                               "yes" if c["done"] else "[yellow]no[/]", str(c["rows"] or ""),
                               f"{c['seconds']:.2f}" if c["seconds"] else "")
            print_table(console, detail)
        if suspended:
            console.print(f"[yellow]{len(suspended)} indexes of public.medical_notes are not built yet[/]"
                          " (a run stopped during the cases' load); the next `oxkair migrate run`"
                          " builds them")
        if unchecked:
            console.print(f"[yellow]{len(unchecked)} foreign keys of public.medical_notes are not checked"
                          " yet[/] (a run stopped, or failed on a case that breaks one); the next"
                          " `oxkair migrate run` adds them back")
        if run:
            console.print(f"last run #{run['id']} from {run['source']}: started {run['started_at']}, "
                          f"{'finished ' + run['finished_at'] if run['finished_at'] else 'unfinished'}"
                          f"{' (' + run['outcome'] + ')' if run['outcome'] else ''}")
    if not states or any(s.phase != "done" for s in states) or suspended or unchecked:
        raise typer.Exit(1)


@app.command("decrypt-archive")
def decrypt_cmd(
    directory: Annotated[Path, typer.Argument(help="archive directory (with manifest.json)")],
    out: Annotated[Path, typer.Option("--out", help="where the CSV files go")],
) -> None:
    """Check an archive's manifest and checksums and decrypt it (key: OXKAIR_ARCHIVE_KEY)."""
    from oxkair.migrate.archive import decrypt_archive, parse_key

    for entry in decrypt_archive(directory, out, parse_key(_settings().oxkair_archive_key)):
        console.print(f"{entry['file']}: {entry['rows']} rows")
