"""Connections: the embedded server or Azure (password or Entra token), always TLS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import Connection

from oxkair.config import Settings
from oxkair.errors import OxkairError, SetupError

ENTRA_SCOPE = "https://ossrdbms-aad.database.windows.net/.default"

ConnParams = dict[str, Any]


def local_server(settings: Settings) -> Any:
    from oxkair.local.cluster import LocalServer

    return LocalServer(settings.home, settings.oxkair_local_port, settings.oxkair_local_tls_min_version)


def _remote_params(settings: Settings, user: str | None, password: str | None) -> ConnParams:
    params: ConnParams = {
        "host": settings.pghost,
        "port": settings.pgport,
        "dbname": settings.pgdatabase,
        "user": user,
        "sslmode": settings.pgsslmode,
    }
    if settings.pgsslrootcert:
        params["sslrootcert"] = settings.pgsslrootcert
    if settings.oxkair_pg_auth == "entra":
        # Seed method 1: the password is an Entra access token, fetched per new connection.
        params["credential"] = entra_credential()
    elif password is not None:
        params["password"] = password
    return params


def entra_credential() -> Any:
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def admin_params(settings: Settings) -> ConnParams:
    """The administrator: runs migrations and operations (PGUSER, or the embedded admin)."""
    if settings.embedded:
        return dict(local_server(settings).conninfo("oxkair_admin"))
    if not settings.pguser:
        raise SetupError("PGHOST is set but PGUSER is not (see the seed's two connection methods)")
    return _remote_params(settings, settings.pguser, settings.pgpassword)


def role_params(settings: Settings, role: str) -> ConnParams:
    """A login of the access model (oxkair_api, oxkair_migrator, oxkair_auditor)."""
    if settings.embedded:
        return dict(local_server(settings).conninfo(role))
    if role == "oxkair_api" and settings.oxkair_api_user:
        return _remote_params(settings, settings.oxkair_api_user, settings.oxkair_api_password)
    return admin_params(settings)


def connect(params: ConnParams, **kwargs: Any) -> Connection[Any]:
    """Open one connection; with an Entra credential, through Microsoft's EntraConnection."""
    params = {**params, **kwargs}
    try:
        if "credential" in params:
            from azure_postgresql_auth.psycopg3 import EntraConnection

            return EntraConnection.connect(**params)
        return psycopg.connect(**params)
    except psycopg.OperationalError as exc:
        raise OxkairError(f"cannot connect to {params.get('host')}:{params.get('port')}: "
                          f"{str(exc).strip().splitlines()[-1]}") from exc


def make_pool(params: ConnParams, *, min_size: int = 1, max_size: int = 10,
              **pool_kwargs: Any) -> Any:
    """A connection pool that outlives Entra tokens: each new connection gets a fresh token."""
    from psycopg_pool import ConnectionPool

    params = dict(params)
    connection_class: type[Connection[Any]] = Connection
    if "credential" in params:
        from azure_postgresql_auth.psycopg3 import EntraConnection

        connection_class = EntraConnection
    return ConnectionPool(kwargs=params, connection_class=connection_class,
                          min_size=min_size, max_size=max_size, open=True, **pool_kwargs)


@contextmanager
def admin_connection(settings: Settings, *, autocommit: bool = False) -> Iterator[Connection[Any]]:
    if settings.embedded:
        local_server(settings).start()
    with connect(admin_params(settings), autocommit=autocommit) as conn:
        yield conn
