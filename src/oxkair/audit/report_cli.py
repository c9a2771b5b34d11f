"""`oxkair audit report` (the access report, as a global auditor: every institution, or the one
named) and `oxkair audit auditors add|remove|list` (the global auditors who may run it through the
API). The report runs as oxkair_auditor through app.audit_report (0111_audit_report.sql), which
records the run in the trail."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from oxkair.cli_output import print_table
from oxkair.cli_settings import cli_settings
from oxkair.errors import OxkairError

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

auditors_app = typer.Typer(help="Global auditors: run access reports of every institution (API, page).",
                           no_args_is_help=True)


def parse_when(value: str | None, option: str, *, end: bool) -> datetime | None:
    """An ISO date or time; a bare date is that day's start (UTC), and for --to the next day's,
    so `--to 2026-11-30` includes the 30th."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO date or time: {value!r}", param_hint=option) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _refusal(exc: psycopg.Error) -> OxkairError | None:
    if (exc.sqlstate or "").startswith("OX"):  # the database's refusals (OX403, OX404, OX422)
        return OxkairError(exc.diag.message_primary or "refused")
    return None


def report(
    mrn: Annotated[str | None, typer.Option("--mrn", help="a patient: every case with this MRN")] = None,
    case: Annotated[str | None, typer.Option("--case", help="one case, by its case number")] = None,
    user: Annotated[str | None, typer.Option(
        "--user", help="a user's email: what they read or changed")] = None,
    institution: Annotated[str | None, typer.Option(
        "--institution", help="only this institution (name or id); default every institution")] = None,
    start: Annotated[str | None, typer.Option("--from", help="ISO date or time (UTC unless given)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="ISO date (inclusive) or time (exclusive)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json (one array of entries)")] = "table",
    verify: Annotated[bool, typer.Option(
        "--verify", help="verify the whole chain first (as `oxkair audit verify`), so the report's "
                         "statement covers its period; minutes at millions of entries")] = False,
) -> None:
    """The access report: a patient's cases (--mrn), a case (--case) or a user (--user).

    Every read and change, with review flags (docs/audit.md), and whether the chain verified over
    the period (exit 1 when it did not)."""
    from oxkair.audit.report import ReportQuery, run_report
    from oxkair.institutions.cli import resolve_institution
    from oxkair.target import admin_connection

    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("one of table, csv, json", param_hint="--format")
    if not (mrn or case or user or start):
        raise typer.BadParameter("name --mrn, --case or --user (or give --from for a period's report)")
    query_start, query_end = parse_when(start, "--from", end=False), parse_when(end, "--to", end=True)
    with admin_connection(cli_settings(), autocommit=True) as conn:
        inst_id = None
        if institution is not None:
            conn.execute("SET ROLE oxkair_owner")
            inst_id, _ = resolve_institution(conn, institution)
            conn.execute("RESET ROLE")
        if verify:
            from oxkair.audit import verify_chain

            verify_chain(conn)  # records its run: the statement below reads it
        conn.execute("SET ROLE oxkair_auditor")
        try:
            with conn.transaction():
                result = run_report(conn, ReportQuery(mrn, case, user, inst_id, query_start, query_end))
        except psycopg.Error as exc:
            if (refused := _refusal(exc)) is not None:
                raise refused from exc
            raise
    _print(result.entries, fmt)
    (console if fmt == "table" else err).print(f"chain: {result.chain.text}", highlight=False)
    if result.chain.verified is False:
        raise typer.Exit(1)


def _print(entries: list[dict[str, Any]], fmt: str) -> None:
    from oxkair.audit.report import entry_json, write_csv

    if fmt == "json":
        json.dump([entry_json(e) for e in entries], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    if fmt == "csv":
        write_csv(entries, sys.stdout)
        return
    table = Table("when (UTC)", "who", "what", "case", "from", "session", "flags",
                  title=f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}")
    for e in entries:
        who = e["user_email"] and f"{e['user_name'] or ''} <{e['user_email']}> {e['user_category'] or ''}"
        what = e["what"]
        if e["status_to"]:
            what += f" {e['status_from'] or ''}→{e['status_to']}"
        if e["fields"]:
            what += f" ({', '.join(e['fields'])})"
        case = e["case_number"] and f"{e['case_number']} MRN {e['mrn'] or '-'}"
        table.add_row(f"{e['at'].astimezone(UTC):%Y-%m-%d %H:%M:%S}",
                      who or f"{e['login']} as {e['db_role']}",
                      what, case or "", e["client_addr"] or "", (e["session_id"] or "")[:8],
                      ", ".join(e["flags"]))
    print_table(console, table)


# ───────────────────────────────────────────────────────────────── global auditors
def _name(conn: Any, sql: str, params: list[Any]) -> Any:
    try:
        return conn.execute(sql, params).fetchone()
    except psycopg.Error as exc:
        if (refused := _refusal(exc)) is not None:
            raise refused from exc
        raise


@auditors_app.command("add")
def auditors_add(email: Annotated[str, typer.Argument(help="the user's email address")]) -> None:
    """Name EMAIL a global auditor (access reports of every institution; audited)."""
    from oxkair.institutions.cli import owner_connection

    with owner_connection() as conn:
        _name(conn, "SELECT app.name_reviewer(%s, 'global_auditor', NULL)", [email])
    console.print(f"{email} is now a global auditor")


@auditors_app.command("remove")
def auditors_remove(email: Annotated[str, typer.Argument(help="the user's email address")]) -> None:
    """Take the global auditor designation away."""
    from oxkair.institutions.cli import owner_connection

    with owner_connection() as conn:
        row = _name(conn, "SELECT app.remove_reviewer(%s, 'global_auditor', NULL)", [email])
    if not row or not row[0]:
        raise OxkairError(f"{email} is not a global auditor")
    console.print(f"{email} is no longer a global auditor")


@auditors_app.command("list")
def auditors_list() -> None:
    """The global auditors."""
    from oxkair.institutions.cli import owner_connection

    with owner_connection() as conn:
        rows = conn.execute(
            "SELECT email, name, granted_at FROM app.reviewers('global_auditor', NULL)").fetchall()
    if not rows:
        console.print("no global auditor (name one: oxkair audit auditors add EMAIL)")
        return
    table = Table("email", "name", "since", title="global auditors")
    for email, person, since in rows:
        table.add_row(email, person or "", f"{since:%Y-%m-%d %H:%M}")
    print_table(console, table)
