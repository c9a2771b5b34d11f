"""/institutions: the signup search (search-as-you-type) and the email-domain suggestion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from psycopg import Connection

from oxkair.api.casework import PROBLEMS
from oxkair.api.deps import _bearer, client_addr, get_claims
from oxkair.api.models import InstitutionHit, InstitutionList, InstitutionSuggestion, NoNul, SuggestionList
from oxkair.api.problems import Problem
from oxkair.db import as_end_user

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


def _search_conn(
    request: Request, claims: Annotated[dict[str, Any] | None, Depends(_optional_claims)]
) -> Iterator[Connection[Any]]:
    """As the caller (or oxkair_anon); anonymous callers spend the per-IP search budget."""
    addr = client_addr(request)
    settings = request.app.state.settings
    with request.app.state.pool.connection() as conn, as_end_user(conn, claims, addr):
        if claims is None:
            row = conn.execute(
                "SELECT auth.rate_limit_hit(%s, %s, %s)",
                [f"search:{addr or 'unknown'}", settings.oxkair_search_rate_per_ip,
                 settings.oxkair_search_rate_window],
            ).fetchone()
            if row and row[0]:
                raise Problem(429, "too many searches from this address; slow down",
                              headers={"Retry-After": str(row[0])})
        yield conn


SearchConn = Annotated[Connection[Any], Depends(_search_conn)]
Q = Annotated[str, Query(min_length=1, max_length=100, description="part of the name; typos welcome"), NoNul]
EmailQ = Annotated[str, Query(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"), NoNul]


@router.get("/search", response_model=InstitutionList, openapi_extra=OPTIONAL_TOKEN)
def search(q: Q, conn: SearchConn) -> InstitutionList:
    """Case- and accent-insensitive, prefix and fuzzy; best first, at most 20."""
    rows = conn.execute("SELECT id, name, score FROM public.search_institutions(%s, 20)", [q]).fetchall()
    return InstitutionList(items=[InstitutionHit(id=r[0], name=r[1], score=r[2]) for r in rows])


@router.get("/suggest", response_model=SuggestionList, openapi_extra=OPTIONAL_TOKEN)
def suggest(email: EmailQ, conn: SearchConn) -> SuggestionList:
    """The institutions whose email domain is the address's (john.doe@mayoclinic.org → Mayo Clinic)."""
    rows = conn.execute("SELECT id, name FROM public.suggest_institutions(%s)", [email]).fetchall()
    return SuggestionList(items=[InstitutionSuggestion(id=r[0], name=r[1]) for r in rows])
