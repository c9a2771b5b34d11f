"""`oxkair institutions admins|privacy-officers add|remove|list` and `oxkair institutions hours`.

Administrators then approve or reject pending members of their own institution and name other
administrators in the API and on the members page; the CLI is for the first one (docs/auth.md).
Privacy officers run access reports of their own institution (API, the Access review page); the
working hours and time zone decide the out-of-hours review flag (docs/audit.md).
Runs as the server's admin (SET ROLE oxkair_owner) through fixed functions of
0005_baseline_membership.sql; each decision is audited there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time
from importlib.resources import files
from typing import Annotated, Any
from uuid import UUID

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from oxkair.cli_settings import cli_settings
from oxkair.errors import OxkairError
from oxkair.sql_macros import expand

console = Console(soft_wrap=True)

app = typer.Typer(help="Institutions: administrators, privacy officers, working hours.", no_args_is_help=True)
admins_app = typer.Typer(help="Institution administrators (approve members of their institution).",
                         no_args_is_help=True)
app.add_typer(admins_app, name="admins")
officers_app = typer.Typer(help="Privacy officers (access reports of their institution).",
                           no_args_is_help=True)
app.add_typer(officers_app, name="privacy-officers")

_RESOLVE = expand(files("oxkair.institutions").joinpath("sql/resolve_institution.sql").read_text())
InstitutionOption = Annotated[str, typer.Option("--institution", help="the institution's name or id")]


@contextmanager
def owner_connection() -> Iterator[Any]:
    from oxkair.target import admin_connection

    with admin_connection(cli_settings(), autocommit=True) as conn:
        conn.execute("SET ROLE oxkair_owner")
        yield conn


def resolve_institution(conn: Any, ref: str) -> tuple[UUID, str]:
    """The one institution `ref` names (id or exact name); a clear error otherwise."""
    rows = conn.execute(_RESOLVE, {"ref": ref}).fetchall()
    if not rows:
        raise OxkairError(f"no institution is named {ref!r} (give its exact name or its id)")
    if len(rows) > 1:
        ids = ", ".join(f"{r[0]} ({r[1]})" for r in rows)
        raise OxkairError(f"{len(rows)} institutions match {ref!r}: give the id, one of {ids}")
    return UUID(str(rows[0][0])), str(rows[0][1])


def _call(conn: Any, statement: str, params: list[Any]) -> Any:
    try:
        return conn.execute(statement, params).fetchone()
    except psycopg.Error as exc:
        if (exc.sqlstate or "").startswith("OX"):  # the function's refusals (OX404, OX422)
            raise OxkairError(exc.diag.message_primary or "refused") from exc
        raise


@admins_app.command("add")
def admins_add(email: Annotated[str, typer.Argument(help="the user's email address")],
               institution: InstitutionOption) -> None:
    """Name EMAIL an administrator of the institution their profile names (verifies them)."""
    with owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        try:
            conn.execute("SELECT app.name_institution_admin(%s, %s)", [email, inst_id])
        except psycopg.Error as exc:
            if (exc.sqlstate or "").startswith("OX"):  # the function's refusals (OX404, OX422)
                raise OxkairError(exc.diag.message_primary or "refused") from exc
            raise
    console.print(f"{email} is now an administrator of {name} (a verified member)")


@admins_app.command("remove")
def admins_remove(email: Annotated[str, typer.Argument(help="the user's email address")],
                  institution: InstitutionOption) -> None:
    """Take the administrator designation away (membership stays as it is)."""
    with owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        row = conn.execute("SELECT app.remove_institution_admin(%s, %s)", [email, inst_id]).fetchone()
    if not row or not row[0]:
        raise OxkairError(f"{email} is not an administrator of {name}")
    console.print(f"{email} is no longer an administrator of {name}")


@admins_app.command("list")
def admins_list(institution: InstitutionOption) -> None:
    """The administrators of an institution and who named them."""
    with owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        rows = conn.execute("SELECT email, name, granted_at, granted_by_email"
                            " FROM app.institution_admins(%s)", [inst_id]).fetchall()
    if not rows:
        console.print(f"{name} has no administrator (name one: oxkair institutions admins add EMAIL"
                      f" --institution {inst_id})")
        return
    table = Table("email", "name", "since", "named by", title=f"administrators of {name}")
    for email, person, since, by in rows:
        table.add_row(email, person or "", f"{since:%Y-%m-%d %H:%M}", by or "the command line")
    console.print(table)


@officers_app.command("add")
def officers_add(email: Annotated[str, typer.Argument(help="the user's email address")],
                 institution: InstitutionOption) -> None:
    """Name EMAIL a privacy officer of the institution their profile names (verifies them)."""
    with owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        _call(conn, "SELECT app.name_reviewer(%s, 'privacy_officer', %s)", [email, inst_id])
    console.print(f"{email} is now a privacy officer of {name}")


@officers_app.command("remove")
def officers_remove(email: Annotated[str, typer.Argument(help="the user's email address")],
                    institution: InstitutionOption) -> None:
    """Take the privacy officer designation away."""
    with owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        row = _call(conn, "SELECT app.remove_reviewer(%s, 'privacy_officer', %s)", [email, inst_id])
    if not row or not row[0]:
        raise OxkairError(f"{email} is not a privacy officer of {name}")
    console.print(f"{email} is no longer a privacy officer of {name}")


@officers_app.command("list")
def officers_list(institution: InstitutionOption) -> None:
    """The privacy officers of an institution."""
    with owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        rows = conn.execute("SELECT email, name, granted_at FROM app.reviewers('privacy_officer', %s)",
                            [inst_id]).fetchall()
    if not rows:
        console.print(f"{name} has no privacy officer (name one: oxkair institutions privacy-officers add "
                      f"EMAIL --institution {inst_id})")
        return
    table = Table("email", "name", "since", title=f"privacy officers of {name}")
    for email, person, since in rows:
        table.add_row(email, person or "", f"{since:%Y-%m-%d %H:%M}")
    console.print(table)


@app.command("hours")
def hours(
    institution: InstitutionOption,
    time_zone: Annotated[str | None, typer.Option("--time-zone", help="e.g. America/New_York")] = None,
    starts: Annotated[str | None, typer.Option("--starts", help="working day starts, HH:MM")] = None,
    ends: Annotated[str | None, typer.Option("--ends", help="working day ends, HH:MM")] = None,
    weekends: Annotated[bool | None, typer.Option(
        "--weekends-out-of-hours/--weekends-working",
        help="whether Saturday and Sunday are out of hours")] = None,
) -> None:
    """Show or set an institution's working hours and time zone (the out-of-hours flag).

    Reads outside them are flagged in access reports. Unset: UTC, 07:00-19:00, weekends out of
    hours."""
    for value, option in ((starts, "--starts"), (ends, "--ends")):
        try:
            time.fromisoformat(value) if value is not None else None
        except ValueError as exc:
            raise typer.BadParameter(f"not a time of day (HH:MM): {value!r}", param_hint=option) from exc
    with owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        current = conn.execute("SELECT time_zone, day_starts, day_ends, weekends_out_of_hours"
                               " FROM app.institution_hours_of(%s)", [inst_id]).fetchone()
        assert current is not None
        if any(v is not None for v in (time_zone, starts, ends, weekends)):
            _call(conn, "SELECT app.set_institution_hours(%s, %s, %s::time, %s::time, %s)",
                  [inst_id, time_zone or current[0], starts or current[1], ends or current[2],
                   current[3] if weekends is None else weekends])
            current = conn.execute("SELECT time_zone, day_starts, day_ends, weekends_out_of_hours"
                                   " FROM app.institution_hours_of(%s)", [inst_id]).fetchone()
            assert current is not None
    tz, day_starts, day_ends, out = current
    console.print(f"{name}: {day_starts:%H:%M}-{day_ends:%H:%M} {tz}, weekends "
                  f"{'out of hours' if out else 'working days'}")
