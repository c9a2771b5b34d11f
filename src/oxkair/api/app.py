"""create_app(settings): a small composition of routers; the lifespan opens the pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from oxkair import rest, web
from oxkair.api import problems
from oxkair.api.cors import SupabaseCors
from oxkair.api.routes import (
    audit,
    auth,
    cases,
    gotrue,
    health,
    institutions,
    jwks,
    members,
    profile,
    providers,
)
from oxkair.api.security import SecurityMiddleware
from oxkair.auth.runtime import AuthRuntime
from oxkair.auth.service import AuthService
from oxkair.config import Settings, load_settings


def create_app(settings: Settings, *, pool: Any = None) -> FastAPI:
    """The HTTP API. `pool` lets a caller share one (tests, benchmarks); else the lifespan
    opens one as the oxkair_api login and closes it on shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = pool is None
        if own:
            from oxkair.db import make_pool
            from oxkair.target import role_params

            app.state.pool = make_pool(role_params(settings, "oxkair_api"),
                                       max_size=settings.oxkair_db_pool_size)
        else:
            app.state.pool = pool
        app.state.auth = AuthRuntime(settings, app.state.pool)
        app.state.auth_service = AuthService(app.state.auth)
        try:
            yield
        finally:
            if own:
                app.state.pool.close()

    # FastAPI's own OpenTelemetry bridge stays off: once the environment configures an exporter,
    # its spans carry each request's query string (`/institutions/suggest?email=`) and its logs
    # the input of failed validations (a case's notes), and its per-request provider lookups
    # cost CPU on every request. Access to PHI is recorded in the audit trail instead.
    app = FastAPI(title="oxkair", version="0.1.0", lifespan=lifespan,
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.settings = settings
    problems.install(app)
    app.add_middleware(SecurityMiddleware, max_body=settings.oxkair_max_body_bytes)
    app.add_middleware(SupabaseCors, origins=settings.cors_origins)  # outermost: answers preflights

    # The worklist is the busiest route, then supabase-js's /rest/v1 (PostgREST's wire format,
    # docs/supabase-compat.md): routing tries routers in this order.
    app.include_router(cases.router)
    rest.install(app, settings)
    app.include_router(health.router)
    app.include_router(jwks.router)
    app.include_router(auth.router)
    app.include_router(gotrue.router)  # /auth/v1: GoTrue's wire format over the same service
    app.include_router(institutions.router)
    app.include_router(profile.router)
    app.include_router(providers.router)
    app.include_router(members.router)
    app.include_router(audit.router)
    app.include_router(web.router)
    return app


def app_from_environment() -> FastAPI:
    """The app of one `oxkair serve --workers N` process: settings from the environment and
    .env.local, as the parent read them."""
    return create_app(load_settings())
