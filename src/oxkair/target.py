"""Where the database is: the embedded server (started on demand) or the server the PG* settings
name (Azure). The one module that knows both the connection layer (`oxkair.db`, which knows no
embedded server) and the embedded server (`oxkair.local`, which knows no schema migrations)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from psycopg import Connection

from oxkair.config import Settings
from oxkair.db.connect import ConnParams, connect, remote_params
from oxkair.errors import SetupError
from oxkair.local import LocalServer


def local_server(settings: Settings) -> LocalServer:
    """The embedded server these settings describe (not started)."""
    return LocalServer(settings.home, settings.oxkair_local_port, settings.oxkair_local_tls_min_version)


def start_embedded(settings: Settings) -> bool:
    """Start the embedded server when the settings use it; True if this call started it."""
    return local_server(settings).start() if settings.embedded else False


def admin_params(settings: Settings) -> ConnParams:
    """The administrator: runs migrations and operations (PGUSER, or the embedded admin)."""
    if settings.embedded:
        return dict(local_server(settings).conninfo("oxkair_admin"))
    if not settings.pguser:
        raise SetupError("PGHOST is set but PGUSER is not (see the seed's two connection methods)")
    return remote_params(settings, settings.pguser, settings.pgpassword)


def role_params(settings: Settings, role: str) -> ConnParams:
    """A login of the access model (oxkair_api, oxkair_migrator, oxkair_auditor)."""
    if settings.embedded:
        return dict(local_server(settings).conninfo(role))
    if role == "oxkair_api" and settings.oxkair_api_user:
        return remote_params(settings, settings.oxkair_api_user, settings.oxkair_api_password)
    return admin_params(settings)


@contextmanager
def admin_connection(settings: Settings, *, autocommit: bool = False) -> Iterator[Connection[Any]]:
    """A connection as the administrator, the embedded server started first when used."""
    start_embedded(settings)
    with connect(admin_params(settings), autocommit=autocommit) as conn:
        yield conn


def ready(settings: Settings, say: Callable[[str], None] = lambda _line: None) -> list[str]:
    """The database ready for work: the embedded server started when used, roles created and
    every pending migration applied (what `serve`, `db upgrade`, `migrate` and the benches all
    need first). Returns the migrations applied."""
    from oxkair.schema.runner import upgrade

    start_embedded(settings)
    return upgrade(admin_params(settings), say=say)
