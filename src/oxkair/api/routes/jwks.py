"""GET /.well-known/jwks.json (and GoTrue's /auth/v1/.well-known/jwks.json, where supabase-js's
getClaims() looks): the public keys that verify our access tokens. Open to all, no apikey."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

router = APIRouter(tags=["auth"])


@router.get("/.well-known/jwks.json")
@router.get("/auth/v1/.well-known/jwks.json")
def jwks(request: Request, response: Response) -> dict[str, Any]:
    runtime = request.app.state.auth
    runtime.keys.refresh()
    response.headers["Cache-Control"] = "public, max-age=300"
    keys: dict[str, Any] = runtime.keys.jwks()
    return keys
