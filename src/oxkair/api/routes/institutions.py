"""/institutions: the signup search (search-as-you-type) and the email-domain suggestion."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from psycopg import Connection
from pydantic import BaseModel, ConfigDict, Field

from oxkair.api.casework import PROBLEMS
from oxkair.api.deps import SettingsDep, _bearer, client_addr, get_claims
from oxkair.api.models import InstitutionHit, InstitutionList, InstitutionSuggestion, NoNul, SuggestionList
from oxkair.api.problems import Problem
from oxkair.api.rls import Rls
from oxkair.config import Settings

router = APIRouter(prefix="/institutions", tags=["institutions"], responses=PROBLEMS)
# A token is optional here: `{}` beside the bearer scheme says so in the OpenAPI document.
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}


async def _optional_claims(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> dict[str, Any] | None:
    """Signup happens before login: a token is optional, but when sent it must be valid."""
    if credentials is None:
        return None
    return await get_claims(request, credentials)


async def _search_db(
    request: Request, claims: Annotated[dict[str, Any] | None, Depends(_optional_claims)]
) -> Rls:
    """As the caller (or oxkair_anon); async, so resolving it costs no thread hop."""
    return Rls(request.app.state.pool, claims, client_addr(request))


@contextmanager
def _searching(db: Rls, settings: Settings) -> Iterator[Connection[Any]]:
    """The search's transaction; anonymous callers spend the per-IP search budget in it."""
    with db.transaction() as conn:
        if db.claims is None:
            row = conn.execute(
                "SELECT auth.rate_limit_hit(%s, %s, %s)",
                [f"search:{db.client_addr or 'unknown'}", settings.oxkair_search_rate_per_ip,
                 settings.oxkair_search_rate_window],
            ).fetchone()
            if row and row[0]:
                raise Problem(429, "too many searches from this address; slow down",
                              headers={"Retry-After": str(row[0])})
        yield conn


SearchDb = Annotated[Rls, Depends(_search_db)]
Q = Annotated[str, Query(min_length=1, max_length=100, description="part of the name; typos welcome"), NoNul]
EmailQ = Annotated[str, Query(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"), NoNul]


@router.get("/search", response_model=InstitutionList, openapi_extra=OPTIONAL_TOKEN)
def search(q: Q, db: SearchDb, settings: SettingsDep) -> InstitutionList:
    """Case- and accent-insensitive, prefix and fuzzy; best first, at most 20."""
    with _searching(db, settings) as conn:
        rows = conn.execute("SELECT id, name, score FROM public.search_institutions(%s, 20)", [q]).fetchall()
    return InstitutionList(items=[InstitutionHit(id=r[0], name=r[1], score=r[2]) for r in rows])


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"), NoNul]


def _suggest(email: str, db: Rls, settings: Settings) -> SuggestionList:
    with _searching(db, settings) as conn:
        rows = conn.execute("SELECT id, name FROM public.suggest_institutions(%s)", [email]).fetchall()
    return SuggestionList(items=[InstitutionSuggestion(id=r[0], name=r[1]) for r in rows])


@router.post("/suggest", response_model=SuggestionList, openapi_extra=OPTIONAL_TOKEN)
def suggest(body: SuggestRequest, db: SearchDb, settings: SettingsDep) -> SuggestionList:
    """The institutions whose email domain is the address's (john.doe@mayoclinic.org → Mayo Clinic).
    POST: an address in a query string would land in proxy and server logs."""
    return _suggest(body.email, db, settings)


@router.get("/suggest", response_model=SuggestionList, openapi_extra=OPTIONAL_TOKEN, deprecated=True)
def suggest_by_query(email: EmailQ, db: SearchDb, settings: SettingsDep) -> SuggestionList:
    """The same as POST /institutions/suggest, for older clients; it puts the address in the URL."""
    return _suggest(email, db, settings)
