"""/me/profile and /me/settings: the caller's own rows (institution and category fixed at signup)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from psycopg import Connection, sql
from psycopg.rows import dict_row

from oxkair.api.casework import PROBLEMS
from oxkair.api.deps import Db
from oxkair.api.models import ProfilePublic, ProfileUpdate, SettingsPublic, SettingsUpdate
from oxkair.api.problems import Problem

router = APIRouter(prefix="/me", tags=["me"], responses=PROBLEMS)

_PROFILE = sql.SQL(
    "SELECT p.id, p.first_name, p.last_name, p.name, p.user_category, p.npi, p.recovery_email,"
    " p.phone_number, p.verification_status, p.institution_id, p.created_at, p.updated_at,"
    " (SELECT m.name FROM public.my_institution() m) AS institution_name,"
    " app.has_designation('institution_admin', p.institution_id) AS is_institution_admin,"
    " app.is_audit_reviewer() AS is_audit_reviewer"
    " FROM public.profiles p WHERE p.id = (SELECT auth.uid())"
)


def _profile(conn: Connection[Any]) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(_PROFILE).fetchone()
    if row is None:
        raise Problem(404, "no profile yet: complete the signup form")
    return row


@router.get("/profile", response_model=ProfilePublic)
def get_profile(db: Db) -> ProfilePublic:
    with db.transaction() as conn:
        return ProfilePublic(**_profile(conn))


@router.patch("/profile", response_model=ProfilePublic)
def update_profile(body: ProfileUpdate, db: Db) -> ProfilePublic:
    """Names and contact details; `institution_id` and `user_category` are refused (422)."""
    values = body.model_dump(exclude_unset=True)
    for required in ("first_name", "last_name"):
        if required in values and values[required] is None:
            raise Problem(422, f"{required} cannot be removed")
    with db.transaction() as conn:
        update_own_profile(conn, body)
        return ProfilePublic(**_profile(conn))


def update_own_profile(conn: Connection[Any], body: ProfileUpdate) -> None:
    """The caller's own row under RLS; column names come from ProfileUpdate's fields only.
    Shared with /auth/v1's PUT /user (its `data`)."""
    values = body.model_dump(exclude_unset=True)
    if values:
        conn.execute(
            sql.SQL("UPDATE public.profiles SET {} WHERE id = (SELECT auth.uid())").format(
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(n)) for n in values)
            ),
            list(values.values()),
        )


@router.get("/settings", response_model=SettingsPublic)
def get_settings(db: Db) -> SettingsPublic:
    with db.transaction() as conn:
        row = conn.execute(
            "SELECT theme, updated_at FROM public.user_settings WHERE id = (SELECT auth.uid())"
        ).fetchone()
    if row is None:
        return SettingsPublic(theme="light")
    return SettingsPublic(theme=row[0] if row[0] in ("light", "dark") else "light", updated_at=row[1])


@router.patch("/settings", response_model=SettingsPublic)
def update_settings(body: SettingsUpdate, db: Db) -> SettingsPublic:
    with db.transaction() as conn:
        row = conn.execute(
            "INSERT INTO public.user_settings (id, theme) VALUES ((SELECT auth.uid()), %s)"
            " ON CONFLICT (id) DO UPDATE SET theme = excluded.theme RETURNING theme, updated_at",
            [body.theme],
        ).fetchone()
    assert row is not None
    return SettingsPublic(theme=row[0], updated_at=row[1])
