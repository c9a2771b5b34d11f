"""The embedded PostgreSQL the package starts itself (TLS-only, pgaudit, unprivileged)."""

from oxkair.local.cluster import LocalServer

__all__ = ["LocalServer"]
