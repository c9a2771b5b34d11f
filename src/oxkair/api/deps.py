"""Dependencies as short Annotated aliases: the verified claims, the user, an RLS-scoped connection."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from oxkair.api.rls import Rls
from oxkair.auth.errors import unauthorized
from oxkair.auth.runtime import AuthRuntime
from oxkair.auth.service import AuthService
from oxkair.auth.tokens import InvalidToken
from oxkair.config import Settings

_bearer = HTTPBearer(auto_error=False, description="an access token from POST /auth/token")


def client_addr(request: Request) -> str | None:
    """The caller's IP as the server saw it (uvicorn applies trusted proxy headers); None when
    it is not an IP address (the audit trail stores inet)."""
    return _valid_ip(request.client.host) if request.client else None


@lru_cache(maxsize=4096)
def _valid_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


# Dependencies are async functions where they do no I/O: FastAPI runs plain ones in its thread pool.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_runtime(request: Request) -> AuthRuntime:
    runtime: AuthRuntime = request.app.state.auth
    return runtime


async def get_service(request: Request) -> AuthService:
    service: AuthService = request.app.state.auth_service
    return service


async def get_claims(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> dict[str, Any]:
    """Claims of a verified access token whose session is live; 401 otherwise.

    Local tokens are verified on the event loop (CPU only, cached); the database is asked
    about the session only when this replica has not checked it within the cache window."""
    if credentials is None:
        raise unauthorized()
    runtime = get_runtime(request)
    token, addr = credentials.credentials, client_addr(request)
    try:
        if not runtime.is_external(token):
            claims = runtime.verify_local(token)
            if runtime.sessions.cached(claims["session_id"]):
                return claims
    except InvalidToken as exc:
        raise unauthorized(str(exc)) from exc
    return await run_in_threadpool(runtime.authenticate, token, addr)


@dataclass(frozen=True)
class AuthUser:
    """The signed-in user, from verified claims."""

    id: str
    email: str
    aal: str
    session_id: str | None
    external: bool


async def get_current_user(claims: Annotated[dict[str, Any], Depends(get_claims)]) -> AuthUser:
    return AuthUser(
        str(claims["sub"]),
        str(claims.get("email", "")),
        str(claims.get("aal", "aal1")),
        claims.get("session_id"),
        "external_subject" in claims,
    )


async def get_db(request: Request, claims: Annotated[dict[str, Any], Depends(get_claims)]) -> Rls:
    """Transactions as oxkair_authenticated with the verified claims (`with db.transaction()`);
    async, so resolving it costs no thread hop."""
    return Rls(request.app.state.pool, claims, client_addr(request))


Claims = Annotated[dict[str, Any], Depends(get_claims)]
CurrentUser = Annotated[AuthUser, Depends(get_current_user)]
Db = Annotated[Rls, Depends(get_db)]
ClientAddr = Annotated[str | None, Depends(client_addr)]
Service = Annotated[AuthService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
