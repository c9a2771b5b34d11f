"""The HTTP API: FastAPI application, dependencies, problem details, one router per resource."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oxkair.api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy (PEP 562): the CLI and the migration import oxkair.api.models and oxkair.api.cli, and
    # importing the app with them cost every command ~0.5 s of FastAPI start-up.
    if name == "create_app":
        from oxkair.api.app import create_app

        return create_app
    raise AttributeError(name)
