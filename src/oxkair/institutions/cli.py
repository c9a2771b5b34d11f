"""`oxkair institutions admins add|remove|list`: the first administrators of an institution.

Administrators then approve or reject pending members of their own institution and name other
administrators in the API and on the members page; the CLI is for the first one (docs/auth.md).
Runs as the server's admin (SET ROLE oxkair_owner) through fixed functions of
0005_baseline_membership.sql; each decision is audited there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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

app = typer.Typer(help="Institutions: their administrators.", no_args_is_help=True)
admins_app = typer.Typer(help="Institution administrators (approve members of their institution).",
                         no_args_is_help=True)
app.add_typer(admins_app, name="admins")

_RESOLVE = expand(files("oxkair.institutions").joinpath("sql/resolve_institution.sql").read_text())
InstitutionOption = Annotated[str, typer.Option("--institution", help="the institution's name or id")]


@contextmanager
def _owner_connection() -> Iterator[Any]:
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




@admins_app.command("add")
def admins_add(email: Annotated[str, typer.Argument(help="the user's email address")],
               institution: InstitutionOption) -> None:
    """Name EMAIL an administrator of the institution their profile names (verifies them)."""
    with _owner_connection() as conn:
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
    with _owner_connection() as conn:
        inst_id, name = resolve_institution(conn, institution)
        row = conn.execute("SELECT app.remove_institution_admin(%s, %s)", [email, inst_id]).fetchone()
    if not row or not row[0]:
        raise OxkairError(f"{email} is not an administrator of {name}")
    console.print(f"{email} is no longer an administrator of {name}")


@admins_app.command("list")
def admins_list(institution: InstitutionOption) -> None:
    """The administrators of an institution and who named them."""
    with _owner_connection() as conn:
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
