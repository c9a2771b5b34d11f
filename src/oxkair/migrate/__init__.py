"""Supabase → target schema: inspect and plan, copy (resumable, streaming), verify, archive."""

from oxkair.migrate.tables import ARCHIVE, REMOVED_TABLES, TABLES, TableSpec

__all__ = ["ARCHIVE", "REMOVED_TABLES", "TABLES", "TableSpec"]
