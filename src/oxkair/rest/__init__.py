"""Supabase-compatible /rest/v1 (PostgREST's wire format) over the same RLS-scoped service."""

from fastapi import FastAPI

from oxkair.rest.errors import RestError, handle
from oxkair.rest.routes import router


def install(app: FastAPI) -> None:
    """The /rest/v1 routes and their PostgREST-shaped errors."""
    app.add_exception_handler(RestError, handle)
    app.include_router(router)


__all__ = ["RestError", "install", "router"]
