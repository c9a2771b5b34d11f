"""Connections, pools, Entra tokens and RLS-scoped transactions."""

from oxkair.db.connect import admin_connection, admin_params, connect, make_pool, role_params
from oxkair.db.scoped import as_end_user

__all__ = ["admin_connection", "admin_params", "as_end_user", "connect", "make_pool", "role_params"]
