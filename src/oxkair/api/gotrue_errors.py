"""GoTrue's error documents for /auth/v1: the service's refusals in GoTrue's codes and statuses.

GoTrue (internal/api/errors.go) answers `{code: <status>, error_code, msg}`, or `{code:
<error_code>, message}` with the `X-Supabase-Api-Version` header echoed when the request asked
for API version 2024-01-01 or later (supabase-js always does); `weak_password` adds `reasons`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

import psycopg
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from psycopg_pool import PoolTimeout
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from oxkair.api.problems import _SQLSTATES as SQLSTATES
from oxkair.api.problems import Problem
from oxkair.auth.errors import AuthError
from oxkair.auth.service import BAD_CREDENTIALS, BAD_LINK

log = logging.getLogger("oxkair.api")
API_VERSION_HEADER = "X-Supabase-Api-Version"
API_VERSION_2024 = "2024-01-01"


class GoTrueError(Exception):
    def __init__(
        self,
        status: int,
        error_code: str,
        msg: str,
        *,
        reasons: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(msg)
        self.status, self.error_code, self.msg = status, error_code, msg
        self.reasons, self.headers = reasons, dict(headers or {})


def _weak_reasons(detail: str) -> list[str]:
    """GoTrue's reasons (length, characters, pwned) for our policy's refusal."""
    if "characters" in detail and ("least" in detail or "most" in detail):
        return ["length"]
    if "common" in detail:
        return ["pwned"]
    return ["characters"]


def from_auth_error(exc: AuthError) -> GoTrueError:
    """The service's refusal as GoTrue states it; statuses and waits stay ours (lockout)."""
    headers = exc.headers
    code, detail = exc.code, exc.detail
    if exc.status == 429:
        return GoTrueError(429, "over_request_rate_limit", detail, headers=headers)
    if detail == BAD_CREDENTIALS:
        return GoTrueError(400, "invalid_credentials", "Invalid login credentials")
    if detail == BAD_LINK:
        return GoTrueError(403, "otp_expired", "Email link is invalid or has expired")
    if code == "email_not_verified":
        return GoTrueError(400, "email_not_confirmed", "Email not confirmed")
    if exc.status == 403 and "disabled" in detail:
        return GoTrueError(400, "user_banned", "User is banned")
    if code == "refresh_token_reused":
        return GoTrueError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
    if code == "refresh_token_invalid":
        return GoTrueError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
    if code == "session_expired":
        return GoTrueError(400, "session_expired", "Invalid Refresh Token: Session Expired")
    if exc.field in ("password", "new_password") and exc.status == 422:
        if "different" in detail:
            return GoTrueError(422, "same_password",
                               "New password should be different from the old password.")
        return GoTrueError(422, "weak_password", detail, reasons=_weak_reasons(detail))
    if exc.field == "current_password":
        return GoTrueError(400, "current_password_invalid", detail)
    if exc.field == "code":
        return GoTrueError(422, "mfa_verification_failed", "Invalid TOTP code entered")
    if "MFA challenge" in detail:
        return GoTrueError(422, "mfa_challenge_expired", detail)
    if exc.status == 401:
        if detail == "session ended; sign in again":
            return GoTrueError(403, "session_not_found",
                               "Session from session_id claim in JWT does not exist")
        if detail == "authentication required":
            return GoTrueError(401, "no_authorization", "This endpoint requires a valid Bearer token")
        return GoTrueError(403, "bad_jwt", f"invalid JWT: {detail}")
    if exc.status == 404:
        return GoTrueError(404, "mfa_factor_not_found", detail)
    if exc.status == 409:
        return GoTrueError(422, "conflict", detail)
    return GoTrueError(exc.status, "validation_failed" if exc.status < 500 else "unexpected_failure", detail)


def _from_any(exc: Exception) -> GoTrueError:
    if isinstance(exc, GoTrueError):
        return exc
    if isinstance(exc, AuthError):
        return from_auth_error(exc)
    if isinstance(exc, RequestValidationError):
        # Where, never the input (it may be a password): "data.npi", "email"…
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in exc.errors()})
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return GoTrueError(400, "bad_json", "Could not parse request body as JSON")
        return GoTrueError(400, "validation_failed", f"invalid or missing: {', '.join(fields)}")
    if isinstance(exc, ValidationError):
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) or "body" for e in exc.errors()})
        return GoTrueError(400, "validation_failed", f"invalid or missing: {', '.join(fields)}")
    if isinstance(exc, Problem):
        return GoTrueError(exc.status, "validation_failed" if exc.status < 500 else "unexpected_failure",
                           exc.detail)
    if isinstance(exc, HTTPException):
        return GoTrueError(exc.status_code, "unknown", str(exc.detail))
    if isinstance(exc, PoolTimeout):
        return GoTrueError(503, "request_timeout", "the service is busy; retry", headers={"Retry-After": "1"})
    if isinstance(exc, psycopg.Error):
        state = exc.sqlstate or ""
        if state == "OX403":  # our functions' refusals needing an aal2 session
            return GoTrueError(403, "insufficient_aal", exc.diag.message_primary or "AAL2 required")
        if state in SQLSTATES:  # what /auth answers too (never the server's text: it may quote PHI)
            status, detail = SQLSTATES[state]
            return GoTrueError(status, "validation_failed" if status < 500 else "unexpected_failure", detail)
        if state.startswith("22"):
            return GoTrueError(422, "validation_failed", "a value is not valid")
        if state.startswith("OX") and state[2:].isdigit() and 400 <= int(state[2:]) < 500:
            # Raised by our own functions (OX<http status>) with a message written for the client.
            message = exc.diag.message_primary or "request refused"
            return GoTrueError(int(state[2:]), "validation_failed", message)
        if isinstance(exc, psycopg.OperationalError):
            return GoTrueError(503, "unexpected_failure", "the database is not reachable; retry")
        log.error("database error %s (%s) on /auth/v1", state, type(exc).__name__)
    else:
        log.error("unexpected %s on /auth/v1", type(exc).__name__)
    return GoTrueError(500, "unexpected_failure",
                       "Unexpected failure, please check server logs for more information")


def render(request: Request, error: GoTrueError) -> JSONResponse:
    headers = {**error.headers, "x-sb-error-code": error.error_code}
    body: dict[str, Any]
    version = request.headers.get(API_VERSION_HEADER, "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", version) and version >= API_VERSION_2024:
        headers[API_VERSION_HEADER] = API_VERSION_2024
        body = {"code": error.error_code, "message": error.msg}
    else:
        body = {"code": error.status, "error_code": error.error_code, "msg": error.msg}
    if error.reasons is not None:
        body["weak_password"] = {"reasons": error.reasons}
    return JSONResponse(body, status_code=error.status, headers=headers)


class GoTrueRoute(APIRoute):
    """Every failure of a /auth/v1 route, validation included, as GoTrue's error document."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # noqa: BLE001 - every error becomes a GoTrue document
                return render(request, _from_any(exc))

        return route
