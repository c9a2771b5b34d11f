"""CORS for the Supabase-compatible doors only (/rest/v1, /auth/v1): the browser front end calls
them from its own origin. Origins come from settings (default none: no CORS headers at all);
our own API and pages stay same-origin."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIXES = ("/rest/v1/", "/auth/v1/")
# What supabase-js sends (the list) and what it reads back (the count is in Content-Range).
ALLOW_HEADERS = ["apikey", "authorization", "x-client-info", "x-supabase-api-version", "content-type",
                 "prefer", "range", "accept-profile", "content-profile", "accept"]
EXPOSE_HEADERS = ["Content-Range", "Content-Location", "Preference-Applied", "Location", "Range-Unit"]
METHODS = ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"]


class SupabaseCors:
    """Starlette's CORSMiddleware for PREFIXES; other paths pass through untouched."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=origins, allow_methods=METHODS,
                                   allow_headers=ALLOW_HEADERS, expose_headers=EXPOSE_HEADERS, max_age=600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(PREFIXES):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
