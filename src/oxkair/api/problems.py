"""RFC 9457 problem details for every error: HTTP, validation, database; never a traceback."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from oxkair.api.messages import field_errors, one_field
from oxkair.auth.errors import AuthError

log = logging.getLogger("oxkair.api")
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An expected failure the client should see, as a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.type = status, detail, type_
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers
        self.extra = extra


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title or HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


# SQLSTATE → (HTTP status, what the client is told). The server's message is not echoed for
# integrity errors: it can quote row values (PHI).
_SQLSTATES: dict[str, tuple[int, str]] = {
    "23505": (409, "this already exists"),
    "23503": (422, "a referenced record does not exist"),
    "23514": (422, "the request breaks a rule of the data"),
    "23502": (422, "a required value is missing"),
    "42501": (403, "not permitted"),
    "40001": (503, "the request conflicted with another; retry"),
    "40P01": (503, "the request conflicted with another; retry"),
    "57014": (503, "the request took too long"),
}


def _database_problem(exc: psycopg.Error) -> JSONResponse:
    state = exc.sqlstate or ""
    if state in _SQLSTATES:
        status, detail = _SQLSTATES[state]
        return problem_response(status, detail)
    if state.startswith("22"):  # data exceptions: a malformed value the client sent
        return problem_response(422, "a value is not valid")
    if state.startswith("OX") and state[2:].isdigit() and 400 <= int(state[2:]) < 500:
        # Raised by our own functions (OX<http status>) with a message written for the client.
        return problem_response(int(state[2:]), exc.diag.message_primary or "request refused")
    if state == "P0001":
        return problem_response(422, exc.diag.message_primary or "request refused")
    if isinstance(exc, psycopg.OperationalError):
        return problem_response(503, "the database is not reachable; retry")
    log.error("database error %s (%s)", state, type(exc).__name__)
    return problem_response(500, "internal error")


def wants_html(request: Request) -> bool:
    """A browser navigating (GET, Accept: text/html), not the pages' script nor an API client."""
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json (an HTML page for a browser
    that navigated to an unknown page or a malformed link)."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status, exc.detail, title=exc.title, type_=exc.type, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(AuthError)
    async def _auth(request: Request, exc: AuthError) -> JSONResponse:
        extra: dict[str, Any] = {}
        if exc.field:
            extra["errors"] = one_field(exc.field, exc.detail)
        if exc.code:
            extra["code"] = exc.code
        if exc.retry_after:
            extra["retry_after"] = exc.retry_after
        return problem_response(exc.status, exc.detail, headers=exc.headers or None, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and wants_html(request):
            from oxkair.web.routes import not_found  # the web package imports this module

            return not_found()
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail == HTTPStatus(exc.status_code).phrase:
            detail = None
        return problem_response(exc.status_code, detail, headers=dict(exc.headers or {}) or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):  # e.g. a mangled link typed or pasted into the address bar
            from oxkair.web.routes import not_found

            return not_found()
        # Where and what, in plain words (api/messages.py); never the input: it may be a password.
        return problem_response(422, "the request is not valid", errors=field_errors(exc.errors()))

    @app.exception_handler(psycopg.Error)
    async def _database(request: Request, exc: psycopg.Error) -> JSONResponse:
        return _database_problem(exc)

    @app.exception_handler(PoolTimeout)
    async def _pool(request: Request, exc: PoolTimeout) -> JSONResponse:
        return problem_response(503, "the service is busy; retry", headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return problem_response(500, "internal error")
