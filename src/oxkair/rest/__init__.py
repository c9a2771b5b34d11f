"""Supabase-compatible /rest/v1 (PostgREST's wire format) over the same RLS-scoped service."""

from fastapi import FastAPI

from oxkair.config import Settings
from oxkair.rest.cors import SupabaseCors
from oxkair.rest.errors import RestError, handle
from oxkair.rest.routes import router


def install(app: FastAPI, settings: Settings) -> None:
    """The /rest/v1 routes, their PostgREST-shaped errors, and CORS for the configured origins."""
    app.add_exception_handler(RestError, handle)
    app.include_router(router)
    if settings.cors_origins:
        app.add_middleware(SupabaseCors, origins=settings.cors_origins)


__all__ = ["RestError", "install", "router"]
