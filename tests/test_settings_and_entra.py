"""Settings (the seed's two methods) and Entra-token pools that outlive their tokens (no network)."""

from __future__ import annotations

import base64
import json
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from azure.core.credentials import AccessToken

from oxkair.config import InsecureSettingWarning, Settings
from oxkair.db import make_pool
from oxkair.db.connect import ENTRA_SCOPE
from oxkair.local import LocalServer
from oxkair.target import admin_params, role_params


def _settings(**env: Any) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


def test_no_pghost_means_the_embedded_server(settings: Settings, server: LocalServer) -> None:
    params = admin_params(settings)
    assert params["host"] == "127.0.0.1" and params["sslmode"] == "verify-full"
    assert params["sslrootcert"] == str(server.ca_cert)
    assert role_params(settings, "oxkair_api")["user"] == "oxkair_api"


def test_seed_method_2_password(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"PGHOST": "oxkair-postgresql.postgres.database.azure.com", "PGUSER": "oxkairadmin",
                       "PGPORT": "5432", "PGDATABASE": "postgres", "PGPASSWORD": "pw",
                       "PGSSLROOTCERT": "/etc/ssl/azure-roots.pem"}.items():
        monkeypatch.setenv(key, value)
    params = admin_params(Settings(_env_file=None))  # type: ignore[call-arg]
    assert params == {"host": "oxkair-postgresql.postgres.database.azure.com", "port": 5432,
                      "dbname": "postgres", "user": "oxkairadmin", "password": "pw",
                      "sslmode": "verify-full", "sslrootcert": "/etc/ssl/azure-roots.pem"}


def test_env_local_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env.local").write_text("PGHOST=db.example.org\nPGUSER=admin\nPGSSLMODE=verify-full\n")
    monkeypatch.chdir(tmp_path)
    for key in ("PGHOST", "PGUSER", "PGSSLMODE"):
        monkeypatch.delenv(key, raising=False)
    settings = Settings()
    assert settings.pghost == "db.example.org" and not settings.embedded


def test_weak_tls_setting_warns() -> None:
    with pytest.warns(InsecureSettingWarning, match="require"):
        _settings(pghost="db.example.org", pgsslmode="require")


def test_password_is_not_in_settings_repr() -> None:
    assert "s3cret" not in repr(_settings(pghost="h", pgpassword="s3cret"))


# ───────────────────────────────────────────────────────────── seed method 1: Entra ID tokens
def _fake_jwt(upn: str, serial: int) -> str:
    """Token-shaped like Entra's (the library reads the UPN claim); the server only sees a password."""
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none'})}.{part({'upn': upn, 'n': serial})}.sig"


class FakeCredential:
    """An azure-identity-like credential: hands out a new token once the current one expires."""

    def __init__(self, upn: str, lifetime: float) -> None:
        self.upn, self.lifetime = upn, lifetime
        self.scopes: list[tuple[str, ...]] = []
        self.issued: list[str] = []
        self._expires = 0.0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        if time.time() >= self._expires:  # like azure-identity: refresh only when (nearly) expired
            self.issued.append(_fake_jwt(self.upn, len(self.issued)))
            self._expires = time.time() + self.lifetime
        return AccessToken(self.issued[-1], int(self._expires))

    def get_token_info(self, *scopes: str, **kwargs: Any) -> Any:
        raise NotImplementedError


@pytest.fixture()
def entra_role(server: LocalServer) -> Iterator[tuple[str, psycopg.Connection[Any]]]:
    """A login role whose password the test sets to the current token, as Azure checks tokens."""
    name = f"entra_{uuid.uuid4().hex[:8]}@example.onmicrosoft.com"
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
        conn.execute(f'GRANT CONNECT ON DATABASE postgres TO "{name}"')
        yield name, conn
        conn.execute(f'REVOKE CONNECT ON DATABASE postgres FROM "{name}"')
        conn.execute(f'DROP ROLE "{name}"')


def _accept(conn: psycopg.Connection[Any], role: str, token: str) -> None:
    conn.execute(psycopg.sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        psycopg.sql.Identifier(role), psycopg.sql.Literal(token)))


def test_entra_pool_outlives_its_token(server: LocalServer, entra_role: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    role, admin = entra_role
    credential = FakeCredential(role, lifetime=1.0)
    # `oxkair.db.connect` as an attribute path is the function; patch the module itself.
    monkeypatch.setattr(sys.modules["oxkair.db.connect"], "entra_credential", lambda: credential)
    settings = _settings(pghost="127.0.0.1", pgport=server.port, pgdatabase="postgres", pguser=role,
                         pgsslrootcert=str(server.ca_cert), oxkair_pg_auth="entra")
    params = admin_params(settings)
    assert "password" not in params and params["credential"] is credential

    _accept(admin, role, _fake_jwt(role, 0))
    with make_pool(params, min_size=2, max_size=2) as pool:
        pool.wait()
        with pool.connection() as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)
        # The token expires; the server now accepts only the next one. Existing connections
        # stay valid (as on Azure); every new physical connection must fetch a fresh token.
        time.sleep(1.1)
        _accept(admin, role, _fake_jwt(role, 1))
        pool.drain()  # replace every connection, as max_lifetime or a network blip would
        with pool.connection() as c1, pool.connection() as c2:
            for conn in (c1, c2):
                assert conn.execute("SELECT current_user").fetchone() == (role,)
    assert credential.issued == [_fake_jwt(role, 0), _fake_jwt(role, 1)]
    assert all(scopes == (ENTRA_SCOPE,) for scopes in credential.scopes)
    assert len(credential.scopes) == 4  # one token request per new physical connection
