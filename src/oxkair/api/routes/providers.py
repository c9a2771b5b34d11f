"""/providers: the Providers of the caller's institution (seed 2.1), id and name only."""

from __future__ import annotations

from fastapi import APIRouter

from oxkair.api.casework import PROBLEMS
from oxkair.api.deps import Db
from oxkair.api.models import ProviderPublic

router = APIRouter(tags=["providers"], responses=PROBLEMS)


@router.get("/providers", response_model=list[ProviderPublic])
def providers(db: Db) -> list[ProviderPublic]:
    """Whom a coder can send a case to: the database function sees only the caller's institution."""
    with db.transaction() as conn:
        rows = conn.execute("SELECT id, name FROM public.institution_providers()").fetchall()
    return [ProviderPublic(id=r[0], name=r[1]) for r in rows]
