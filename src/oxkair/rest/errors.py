"""PostgREST's error documents ({code, message, details, hint}) and HTTP statuses
(PostgREST src/library/PostgREST/Error.hs), for request, schema, token and database errors."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import Request
from fastapi.responses import JSONResponse

log = logging.getLogger("oxkair.rest")


class RestError(Exception):
    """An error answered as PostgREST answers it."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None,
                 hint: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.hint, self.headers = details, hint, headers

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"code": self.code, "details": self.details, "hint": self.hint,
                                "message": self.message}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


class ApiKeyError(RestError):
    """Supabase's gateway refusing a request before PostgREST sees it: {message, hint}, 401."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(401, "", message, hint=hint)

    def response(self) -> JSONResponse:
        return JSONResponse({"message": self.message, "hint": self.hint}, status_code=self.status)


NO_APIKEY = ApiKeyError("No API key found in request", "No `apikey` request header or url param was found.")
BAD_APIKEY = ApiKeyError("Invalid API key", "Double check your Supabase `anon` or `service_role` API key.")


async def handle(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RestError)
    return exc.response()


def parse_error(what: str, value: str, column: int, details: str) -> RestError:
    """PGRST100, worded as PostgREST's parser words it."""
    message = f'"failed to parse {what} ({value})" (line 1, column {column})'
    return RestError(400, "PGRST100", message, details)


def column_not_found(table: str, column: str) -> RestError:
    """An unknown column of a payload (PGRST204)."""
    message = f"Could not find the '{column}' column of '{table}' in the schema cache"
    return RestError(400, "PGRST204", message)


def undefined_column(table: str, column: str) -> RestError:
    """An unknown column in select, filters or order: what PostgreSQL would answer (42703), said
    before any SQL is built."""
    return RestError(400, "42703", f"column {table}.{column} does not exist")


def no_relationship(source: str, target: str, hint: str | None) -> RestError:
    using = f"' using the hint '{hint}" if hint else ""
    message = f"Could not find a relationship between '{source}' and '{target}' in the schema cache"
    return RestError(
        400, "PGRST200", message,
        f"Searched for a foreign key relationship between '{source}' and '{target}{using}' in the schema"
        " 'public', but no matches were found.")


def table_not_found(name: str) -> RestError:
    return RestError(404, "PGRST205", f"Could not find the table 'public.{name}' in the schema cache")


def not_implemented(details: str) -> RestError:
    return RestError(400, "PGRST127", "Feature not implemented", details)


def singular(rows: int) -> RestError:
    return RestError(406, "PGRST116", "Cannot coerce the result to a single JSON object",
                     f"The result contains {rows} rows")


def jwt_error(code: str, message: str) -> RestError:
    """PGRST301 (a token that cannot be decoded or verified) or PGRST303 (its claims refused)."""
    challenge = f'Bearer error="invalid_token", error_description="{message}"'
    return RestError(401, code, message, headers={"WWW-Authenticate": challenge})


def _status(state: str, authenticated: bool) -> int:
    """PostgREST's mapSQLtoHTTP, for the classes our statements can raise."""
    if state == "42501":
        return 403 if authenticated else 401
    if state.startswith("OX") and state[2:].isdigit():  # our functions: OX<http status>
        return int(state[2:])
    exact = {"23503": 409, "23505": 409, "25006": 405, "21000": 400, "42883": 404, "42P01": 404,
             "42P17": 500, "P0001": 400, "53400": 500, "57P01": 503}
    if state in exact:
        return exact[state]
    prefixes = {"08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500,
                "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500,
                "F0": 500, "HV": 500, "P0": 500, "XX": 500}
    return prefixes.get(state[:2], 400)


def database_error(exc: psycopg.Error, authenticated: bool) -> RestError:
    """A refusal of the database as PostgREST relays it. Integrity errors lose their DETAIL: it
    quotes row values (PHI) that the client did not necessarily send."""
    state = exc.sqlstate or ""
    if not state or isinstance(exc, psycopg.OperationalError) and not exc.sqlstate:
        return RestError(503, "PGRST000", "Database connection error. Retrying the connection.")
    status = _status(state, authenticated)
    diag = exc.diag
    details = None if state.startswith("23") else diag.message_detail
    if status >= 500:
        log.error("database error %s (%s)", state, type(exc).__name__)
        return RestError(status, state, "internal error")
    return RestError(status, state, diag.message_primary or "request refused", details, diag.message_hint,
                     headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)
