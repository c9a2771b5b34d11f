"""Connections, pools, Entra tokens and RLS-scoped transactions (which server: oxkair.target)."""

from oxkair.db.connect import connect, make_pool
from oxkair.db.scoped import as_end_user

__all__ = ["as_end_user", "connect", "make_pool"]
