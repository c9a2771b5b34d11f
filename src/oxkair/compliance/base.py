"""The checker's plumbing: the named queries of check.sql, one savepoint per read, the server's
settings, and a control that could not be read reported as unknown (never as passed)."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib.resources import files
from typing import Any

import psycopg
from psycopg import Connection

from oxkair.compliance.model import API_ROLES, Control, Status
from oxkair.config import Settings
from oxkair.db.connect import ConnParams

_QUERIES: dict[str, str] = {}


def queries() -> dict[str, str]:
    if not _QUERIES:
        text = files("oxkair.compliance").joinpath("check.sql").read_text()
        for block in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
            name, _, body = block.partition("\n")
            _QUERIES[name.strip()] = body.strip().rstrip(";")
    return _QUERIES


class Checker:
    """The state every group of controls shares; each group (transmission.py, access.py, …)
    adds its controls as methods."""

    def __init__(self, conn: Connection[Any], settings: Settings, params: ConnParams | None) -> None:
        self.conn, self.settings, self.params = conn, settings, params
        self.controls: list[Control] = []
        self._settings_cache: dict[str, str] | None = None

    def add(self, id: str, safeguard: str, title: str, status: Status, evidence: str) -> None:
        self.controls.append(Control(id, safeguard, title, status, evidence))

    def rows(self, name: str, args: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        # A savepoint per query: one failed read (e.g. no privilege) does not end the report.
        with self.conn.transaction():
            return list(self.conn.execute(queries()[name], args))

    def setting(self, name: str) -> str | None:
        if self._settings_cache is None:
            self._settings_cache = {str(n): str(v) for n, v in self.rows("settings")}
            # Some settings are hidden from a non-superuser admin (Azure's admin may read them
            # through pg_read_all_settings); the embedded server's own are read over its socket.
            self._settings_cache = {**self.local_superuser("settings"), **self._settings_cache}
        return self._settings_cache.get(name)

    def local_superuser(self, query: str) -> dict[str, str]:
        """The embedded server read as its local superuser (unix socket); {} elsewhere."""
        if not self.settings.embedded:
            return {}
        from oxkair.target import local_server

        try:
            info = local_server(self.settings).superuser_conninfo()
            with psycopg.connect(**info, connect_timeout=5) as conn:
                return {str(r[0]): str(r[1]) for r in conn.execute(queries()[query])}
        except (psycopg.Error, OSError):
            return {}

    def api_roles(self) -> list[str]:
        """The roles the API acts as, and its own login on Azure when it is set."""
        roles = list(API_ROLES)
        if self.settings.oxkair_api_user:
            roles.append(self.settings.oxkair_api_user)
        return roles

    def guarded(self, id: str, safeguard: str, title: str, body: Callable[[], None]) -> None:
        try:
            body()
        except psycopg.Error as exc:
            self.add(id, safeguard, title, "unknown",
                     f"could not be read as {self.conn.info.user}: {exc.diag.message_primary or exc}")
