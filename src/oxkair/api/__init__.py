"""The HTTP API: FastAPI application, dependencies, problem details, one router per resource."""

from oxkair.api.app import create_app

__all__ = ["create_app"]
