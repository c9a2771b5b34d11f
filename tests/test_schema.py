"""The seed's four tables, column for column, checked through the catalog."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest

TSTZ = "timestamp with time zone"
# (column, type, nullable, default) in the seed's order. Defaults as PostgreSQL prints them.
SEED_COLUMNS: dict[str, list[tuple[str, str, bool, str | None]]] = {
    "medical_notes": [
        ("id", "uuid", False, "gen_random_uuid()"),
        ("user_id", "uuid", False, None),
        ("mrn", "text", True, None),
        ("date_of_service", TSTZ, True, None),
        ("insurance_provider", "text", True, None),
        ("status", "text", True, "'INCOMPLETE'::text"),
        ("created_at", TSTZ, True, "now()"),
        ("updated_at", TSTZ, True, "now()"),
        ("operative_notes", "text", True, None),
        ("admission_notes", "text", True, None),
        ("discharge_notes", "text", True, None),
        ("pathology_notes", "text", True, None),
        ("progress_notes", "text", True, None),
        ("bedside_notes", "text", True, None),
        ("billable_notes", "text[]", True, None),
        ("ai_raw_output", "jsonb", True, None),
        ("panel_data", "jsonb", True, None),
        ("final_processed_data", "jsonb", True, None),
        ("summary_data", "jsonb", True, None),
        ("workflow_status", "character varying", True, "'processing'::character varying"),
        ("case_number", "character varying", False, None),
        ("provider_user_id", "uuid", True, None),
        ("institution_id", "uuid", True, None),
    ],
    "profiles": [
        ("id", "uuid", False, None),
        ("first_name", "text", True, None),
        ("last_name", "text", True, None),
        ("name", "text", True, None),
        ("created_at", TSTZ, True, "now()"),
        ("updated_at", TSTZ, True, "now()"),
        ("user_category", "text", True, None),
        ("npi", "text", True, None),
        ("recovery_email", "text", True, None),
        ("phone_number", "text", True, None),
        ("verification_status", "text", True, "'not verified'::text"),
        ("institution_id", "uuid", True, None),
    ],
    "user_settings": [
        ("id", "uuid", False, None),
        ("theme", "text", True, "'light'::text"),
        ("created_at", TSTZ, True, "now()"),
        ("updated_at", TSTZ, True, "now()"),
    ],
    "institutions": [
        ("id", "uuid", False, "gen_random_uuid()"),
        ("name", "character varying", False, None),
        ("email_domains", "text[]", True, None),
        ("created_at", TSTZ, True, "now()"),
        ("updated_at", TSTZ, True, "now()"),
    ],
}

SEED_FOREIGN_KEYS = {
    ("medical_notes", "medical_notes_user_id_fkey"): "FOREIGN KEY (user_id) REFERENCES auth.users(id)",
    ("medical_notes", "medical_notes_provider_user_id_fkey"):
        "FOREIGN KEY (provider_user_id) REFERENCES auth.users(id)",
    ("medical_notes", "fk_medical_notes_institution"):
        "FOREIGN KEY (institution_id) REFERENCES institutions(id)",
    ("profiles", "profiles_id_fkey"): "FOREIGN KEY (id) REFERENCES auth.users(id)",
    ("profiles", "fk_profiles_institution"): "FOREIGN KEY (institution_id) REFERENCES institutions(id)",
    ("user_settings", "user_settings_id_fkey"): "FOREIGN KEY (id) REFERENCES auth.users(id)",
}


def _columns(conn: psycopg.Connection[Any], table: str) -> list[tuple[str, str, bool, str | None]]:
    rows = conn.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
               CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END
          FROM pg_attribute a
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = ('public.' || %s)::regclass AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum
        """,
        [table],
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


@pytest.mark.parametrize("table", sorted(SEED_COLUMNS))
def test_columns_types_nullability_defaults_match_the_seed(su: psycopg.Connection[Any],
                                                           table: str) -> None:
    assert _columns(su, table) == SEED_COLUMNS[table]


def test_profile_name_is_generated_as_in_the_seed(su: psycopg.Connection[Any]) -> None:
    row = su.execute(
        "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'public.profiles'::regclass"
        " AND attname = 'name'"
    ).fetchone()
    assert row == ("s",)  # STORED
    su.execute("INSERT INTO auth.users (id, email) VALUES"
               " ('00000000-0000-0000-0000-00000000000a', 'gen@example.org')")
    cases = [(None, None, None), ("Ada", None, "Ada"), (None, "King", "King"), ("Ada", "King", "Ada King")]
    for first, last, expected in cases:
        su.execute("INSERT INTO public.profiles (id, first_name, last_name) VALUES"
                   " ('00000000-0000-0000-0000-00000000000a', %s, %s)", [first, last])
        got = su.execute("SELECT name FROM public.profiles"
                         " WHERE id = '00000000-0000-0000-0000-00000000000a'").fetchone()
        assert got == (expected,)
        su.execute("DELETE FROM public.profiles WHERE id = '00000000-0000-0000-0000-00000000000a'")


def test_the_status_list_everything_uses_is_the_check_s(su: psycopg.Connection[Any]) -> None:
    from oxkair.api.models import STATUS_LABELS, STATUSES

    row = su.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                     " WHERE conname = 'medical_notes_status_check'").fetchone()
    assert row and re.findall(r"'([A-Z_]+)'::text", row[0]) == list(STATUSES) == list(STATUS_LABELS)


def test_check_constraints_match_the_seed(su: psycopg.Connection[Any]) -> None:
    checks = dict(su.execute(
        "SELECT conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
    ).fetchall())
    assert checks == {
        "medical_notes.medical_notes_status_check":
            "CHECK ((status = ANY (ARRAY['INCOMPLETE'::text, 'PENDING_CODER_REVIEW'::text, "
            "'PENDING_PROVIDER_REVIEW'::text, 'PENDING_BILLING'::text])))",
        "profiles.profiles_user_category_check":
            "CHECK ((user_category = ANY (ARRAY['Provider'::text, 'Medical Coder'::text])))",
        # Ours, not the seed's: the membership states of verification_status (its default kept).
        "profiles.profiles_verification_status_check":
            "CHECK ((verification_status = ANY (ARRAY['not verified'::text, 'verified'::text, "
            "'rejected'::text])))",
    }


def test_foreign_keys_primary_keys_and_unique_case_number(su: psycopg.Connection[Any]) -> None:
    fks = {
        (r[0], r[1]): r[2]
        for r in su.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
        )
    }
    assert fks == SEED_FOREIGN_KEYS
    keys = {
        r[0] for r in su.execute(
            "SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u')"
            " AND connamespace = 'public'::regnamespace"
        )
    }
    assert keys == {"medical_notes_pkey", "medical_notes_case_number_key", "profiles_pkey",
                    "user_settings_pkey", "institutions_pkey"}


def test_removed_tables_and_columns_are_absent(su: psycopg.Connection[Any]) -> None:
    tables = {r[0] for r in su.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
        " AND relkind IN ('r', 'v', 'm', 'p')")}
    assert tables == {"medical_notes", "profiles", "user_settings", "institutions"}
    assert "affiliated_institution" not in {c[0] for c in _columns(su, "profiles")}
    assert not {"title", "content", "tags", "source"} & {c[0] for c in _columns(su, "medical_notes")}


def test_every_foreign_key_and_policy_column_is_indexed(su: psycopg.Connection[Any]) -> None:
    # The leading column of some index, for each column a FK or a policy filters on.
    needed = {("medical_notes", "user_id"), ("medical_notes", "provider_user_id"),
              ("medical_notes", "institution_id"), ("profiles", "institution_id"),
              ("profiles", "id"), ("user_settings", "id"), ("institutions", "id")}
    leading = {
        (r[0], r[1]) for r in su.execute(
            "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE c.relnamespace = 'public'::regnamespace"
        )
    }
    assert needed <= leading
    indexes = {r[0]: r[1] for r in su.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")}
    assert "gin_trgm_ops" in indexes["institutions_name_trgm_idx"]
    assert "USING gin (email_domains)" in indexes["institutions_email_domains_idx"]


def test_updated_at_is_kept_by_trigger(su: psycopg.Connection[Any]) -> None:
    row = su.execute(
        "INSERT INTO public.institutions (name, updated_at) VALUES ('Clock', '2000-01-01')"
        " RETURNING id").fetchone()
    assert row
    su.execute("UPDATE public.institutions SET name = 'Clock 2' WHERE id = %s", [row[0]])
    got = su.execute("SELECT updated_at > now() - interval '1 minute' FROM public.institutions"
                     " WHERE id = %s", [row[0]]).fetchone()
    assert got == (True,)


def test_email_is_unique_whatever_its_case(su: psycopg.Connection[Any]) -> None:
    su.execute("INSERT INTO auth.users (email) VALUES ('Jane.Doe@Example.org')")
    with pytest.raises(psycopg.errors.UniqueViolation), su.transaction():
        su.execute("INSERT INTO auth.users (email) VALUES ('jane.doe@example.org')")


def test_nothing_needs_a_superuser(su: psycopg.Connection[Any]) -> None:
    """Every schema object belongs to a role without superuser or BYPASSRLS, as on Azure."""
    foreign = su.execute(
        "SELECT c.relnamespace::regnamespace || '.' || c.relname, c.relkind::text,"
        " pg_get_userbyid(c.relowner) FROM pg_class c"
        " WHERE c.relnamespace IN ('public'::regnamespace, 'auth'::regnamespace,"
        " 'audit'::regnamespace, 'app'::regnamespace) AND pg_get_userbyid(c.relowner) <> 'oxkair_owner'"
    ).fetchall()
    assert foreign == []
    privileged = su.execute(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'oxkair%' AND (rolsuper OR rolbypassrls)"
    ).fetchall()
    assert privileged == []
