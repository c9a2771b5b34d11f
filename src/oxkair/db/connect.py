"""Connections and pools, always TLS; with an Entra token on Azure. Which server and login:
oxkair.target (this layer knows no embedded server)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import Connection

from oxkair.config import Settings
from oxkair.errors import OxkairError

ENTRA_SCOPE = "https://ossrdbms-aad.database.windows.net/.default"

ConnParams = dict[str, Any]


def remote_params(settings: Settings, user: str | None, password: str | None) -> ConnParams:
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
