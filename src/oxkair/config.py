"""Settings: environment variables and `.env.local`, exactly the seed's two connection methods."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CORS_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$")  # an exact origin

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
    # Its minimum TLS version: 1.3 (Azure's recommendation); 1.2 for old clients, AEAD suites only.
    oxkair_local_tls_min_version: Literal["TLSv1.3", "TLSv1.2"] = "TLSv1.3"

    # Data migration (docs/migration.md): the key of the archive of removed tables and columns,
    # 32 bytes base64. Kept in a secret store, never beside the archive.
    oxkair_archive_key: str | None = Field(default=None, repr=False)

    # ── Authentication (docs/auth.md). Lifetimes in seconds.
    oxkair_jwt_issuer: str = "oxkair"
    oxkair_jwt_audience: str = "authenticated"
    oxkair_access_token_ttl: int = 900
    # Production signing key (PEM, e.g. a Key Vault secret value); unset = keys in <home>/keys.
    oxkair_signing_key_pem: str | None = Field(default=None, repr=False)
    # Retired public or private PEMs that still verify (rotation in production), one per entry.
    oxkair_verify_key_pems: list[str] = Field(default_factory=list, repr=False)
    oxkair_session_idle_timeout: int = 1800       # automatic logoff, HIPAA 164.312(a)(2)(iii)
    oxkair_session_absolute_timeout: int = 43200
    oxkair_session_cache_seconds: float = 2.0     # how long a replica trusts a session check
    oxkair_require_email_verification: bool = True
    oxkair_password_min_length: int = 12
    oxkair_lockout_threshold: int = 5             # failures before the account locks
    oxkair_lockout_base_seconds: int = 30         # first lock; doubles per failure, capped
    oxkair_lockout_max_seconds: int = 3600
    oxkair_login_rate_per_ip: int = 30            # password/MFA attempts per IP per window
    oxkair_login_rate_window: int = 60
    oxkair_email_token_ttl: int = 86400           # email verification link
    oxkair_reset_token_ttl: int = 3600            # password reset link
    oxkair_public_url: str = "http://127.0.0.1:8000"  # base of links in emails
    oxkair_max_body_bytes: int = 1_048_576
    # External OIDC issuer (Entra External ID / Azure AD B2C): all three or none.
    oxkair_oidc_issuer: str | None = None
    oxkair_oidc_audience: str | None = None
    oxkair_oidc_jwks_url: str | None = None
    # Outgoing email (the outbox sender); unset host = messages stay in the outbox.
    oxkair_smtp_host: str | None = None
    oxkair_smtp_port: int = 587
    oxkair_smtp_user: str | None = None
    oxkair_smtp_password: str | None = Field(default=None, repr=False)
    oxkair_smtp_from: str = "no-reply@oxkair.local"
    oxkair_smtp_starttls: bool = True

    # Backups (`oxkair backup`, docs/operations.md). The key lives in a vault, never beside them.
    oxkair_backup_key: str | None = Field(default=None, repr=False)
    # The MAC key of audit-trail anchors (`oxkair audit anchor`): 32 bytes base64, kept outside
    # the database (a key vault), so nobody with only the database can forge an anchor.
    oxkair_audit_anchor_key: str | None = Field(default=None, repr=False)
    oxkair_backup_to: str | None = None  # a directory, or az://container[/prefix]
    oxkair_backup_azure_account_url: str | None = None  # https://ACCOUNT.blob.core.windows.net
    oxkair_backup_azure_connection_string: str | None = Field(default=None, repr=False)
    # Grandfather-father-son retention; monthly/yearly below 6 years needs an explicit flag.
    oxkair_backup_keep_daily: int = 7
    oxkair_backup_keep_weekly: int = 5
    oxkair_backup_keep_monthly_years: int = 6
    oxkair_backup_keep_yearly_years: int = 10
    # `oxkair check`: SUPERUSER/BYPASSRLS roles that are expected beyond the built-in ones.
    oxkair_check_expected_privileged_roles: list[str] = Field(default_factory=list)

    # Case-management API (docs/api.md): anonymous institution searches per IP per window.
    oxkair_search_rate_per_ip: int = 120
    oxkair_search_rate_window: int = 60
    # Connections of one API process (oxkair_api); requests beyond it wait for one.
    oxkair_db_pool_size: int = 20
    # API processes of `oxkair serve` (one per CPU in production; each has its own pool).
    oxkair_workers: int = Field(default=1, ge=1, le=64)
    # Proxies (comma-separated IPs or networks) whose X-Forwarded-For / -Proto the API believes.
    # Default none: the client address is the TCP peer's, so a client cannot pick its own (rate
    # limits, lockouts and the audit trail key on it).
    oxkair_trusted_proxies: str = ""
    # Supabase-compatible /rest/v1 (docs/supabase-compat.md): the most rows one request reads
    # (a larger or absent limit is cut to it, as PostgREST's max-rows) or writes (refused above it).
    oxkair_rest_max_rows: int = Field(default=1000, ge=1, le=100_000)
    # Origins (comma-separated, e.g. https://app.example.org) whose pages may call /rest/v1 and
    # /auth/v1 from the browser (CORS). Default none: no cross-origin access.
    oxkair_cors_origins: str = ""

    @property
    def trusted_proxies(self) -> list[str]:
        return [p.strip() for p in self.oxkair_trusted_proxies.split(",") if p.strip()]

    @property
    def cors_origins(self) -> list[str]:
        return split_origins(self.oxkair_cors_origins)

    @field_validator("oxkair_cors_origins")
    @classmethod
    def _exact_origins(cls, value: str) -> str:
        bad = [o for o in split_origins(value) if not CORS_ORIGIN.match(o)]
        if bad:  # `*` or a pattern would open the Supabase-compatible endpoints to every site
            raise ValueError(f"list origins like https://app.example.org, not {bad[0]!r}")
        return value

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


def split_origins(value: str) -> list[str]:
    return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment and `.env.local` of the working directory."""
    return Settings(**overrides)  # type: ignore[arg-type]
