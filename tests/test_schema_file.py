"""docs/schema.sql is what the migrations build: regenerate it when a migration changes."""

from __future__ import annotations

from pathlib import Path

from oxkair.local import LocalServer
from oxkair.schema.current import current_schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "schema.sql"


def test_the_checked_in_schema_file_is_current(server: LocalServer) -> None:
    built = current_schema(server.superuser_conninfo())
    assert "CREATE POLICY" in built and "audit.tg_public_medical_notes__row_change" in built
    assert SCHEMA_FILE.read_text() == built, (
        "docs/schema.sql differs from what the migrations build: regenerate it with "
        "`.venv/bin/oxkair db schema > docs/schema.sql` and review the diff")
