"""Settings: environment variables and `.env.local`, exactly the seed's two connection methods."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# libpq sslmodes that do not authenticate the server (or do not encrypt at all).
WEAK_SSLMODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca"})


class InsecureSettingWarning(UserWarning):
    """A setting weakens a HIPAA safeguard (printed, never silent)."""


class Settings(BaseSettings):
    """One settings object, built once and passed in; nothing reads the environment at import."""

    model_config = SettingsConfigDict(
        env_file=".env.local", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # Seed section 1: the server. Unset PGHOST means the embedded server.
    pghost: str | None = None
    pgport: int = 5432
    pgdatabase: str = "postgres"
    pguser: str | None = None
    pgpassword: str | None = Field(default=None, repr=False)
    pgsslmode: str = "verify-full"
    pgsslrootcert: str | None = None

    # Seed method 1 (Entra ID token) or method 2 (password).
    oxkair_pg_auth: Literal["password", "entra"] = "password"

    # The API's own login (a member of oxkair_api); on the embedded server it is generated.
    oxkair_api_user: str | None = None
    oxkair_api_password: str | None = Field(default=None, repr=False)

    # Embedded server: where its state lives and which port it takes (0 = a free one).
    oxkair_home: Path = Path(".oxkair")
    oxkair_local_port: int = 0

    @property
    def embedded(self) -> bool:
        return not self.pghost

    @model_validator(mode="after")
    def _warn_on_weak_tls(self) -> Settings:
        if not self.embedded and self.pgsslmode in WEAK_SSLMODES:
            warnings.warn(
                f"PGSSLMODE={self.pgsslmode} does not verify the server's identity; "
                "use verify-full with PGSSLROOTCERT (HIPAA 164.312(e)).",
                InsecureSettingWarning,
                stacklevel=2,
            )
        return self

    @property
    def home(self) -> Path:
        return self.oxkair_home.resolve()


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment and `.env.local` of the working directory."""
    return Settings(**overrides)  # type: ignore[arg-type]
