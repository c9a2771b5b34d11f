"""CORS for the Supabase-compatible endpoints only (/auth/v1, /rest/v1), for configured origins.

The rest of the API and the pages stay same-origin (no CORS headers at all). Credentials
(cookies) are not allowed cross-origin: supabase-js sends its tokens in headers.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from oxkair.config import CORS_ORIGIN
from oxkair.errors import SetupError

PREFIXES = ("/auth/v1/", "/rest/v1/")
# What supabase-js and postgrest-js send (issue 13's list).
ALLOW_HEADERS = ["apikey", "authorization", "x-client-info", "x-supabase-api-version", "content-type",
                 "prefer", "range", "accept-profile", "content-profile"]
EXPOSE_HEADERS = ["content-range", "x-supabase-api-version", "x-sb-error-code", "retry-after"]


def check_origins(origins: list[str]) -> list[str]:
    """Exact origins only (settings check them too; this guards copies made without validation)."""
    bad = [o for o in origins if not CORS_ORIGIN.match(o)]
    if bad:
        raise SetupError(
            f"OXKAIR_CORS_ORIGINS must list origins like https://app.example.org, not {bad[0]!r}"
        )
    return origins


class SupabaseCors:
    """Starlette's CORSMiddleware, applied to PREFIXES only; a no-op without origins."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=check_origins(origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=ALLOW_HEADERS,
            expose_headers=EXPOSE_HEADERS,
            allow_credentials=False,
            max_age=600,
        )
        self.enabled = bool(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.enabled and scope["type"] == "http" and scope["path"].startswith(PREFIXES):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
