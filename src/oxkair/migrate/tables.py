"""What moves where: the tables of the migration, their columns and their SQL."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from psycopg import sql

from oxkair.sql_macros import expand


@dataclass(frozen=True)
class TableSpec:
    """One source table loaded into one target table, chunked by its uuid key `id`."""

    target: str                  # e.g. public.medical_notes
    source: str                  # e.g. public.medical_notes (Supabase)
    sql_name: str                # transform_<sql_name>.sql, classify_<sql_name>.sql
    columns: tuple[str, ...]     # target columns loaded, in the transform's order
    required: tuple[str, ...]    # source columns the transform reads
    classified: bool = True
    audited: bool = True         # one audit entry when the table is done
    # Its secondary indexes are built and its foreign keys checked once after the load when it
    # starts empty (migrations 0140 and 0150, migration.suspend_case_* / restore_case_*: written
    # for public.medical_notes).
    bulk_load: bool = False

    @property
    def transform_sql(self) -> str:
        return sql_text(f"transform_{self.sql_name}.sql")

    @property
    def verify_sql(self) -> str:
        """What the target must hold, as the source sees it (defaults to the transform)."""
        return optional_sql_text(f"verify_{self.sql_name}.sql") or self.transform_sql

    @property
    def load_select_sql(self) -> str | None:
        """The select list over the stage table `s` when the load computes a column, else None
        (the columns as staged)."""
        return optional_sql_text(f"load_{self.sql_name}.sql")

    @property
    def classify_sql(self) -> str | None:
        return sql_text(f"classify_{self.sql_name}.sql") if self.classified else None


@dataclass(frozen=True)
class ArchiveItem:
    """Data the target schema drops, kept in the encrypted archive (HIPAA: 6 years)."""

    name: str
    source: str
    columns: tuple[str, ...] | None  # None: the whole removed table


@cache
def sql_text(name: str) -> str:
    """migrate/sql/<name>, its NAME_KEY(...) and the like written out (oxkair.sql_macros)."""
    return expand((files("oxkair.migrate") / "sql" / name).read_text())


def optional_sql_text(name: str) -> str | None:
    """sql_text(name), or None when the table has no such file."""
    return sql_text(name) if (files("oxkair.migrate") / "sql" / name).is_file() else None


TABLES: tuple[TableSpec, ...] = (
    TableSpec("public.institutions", "public.institutions", "institutions",
              ("id", "name", "email_domains", "created_at", "updated_at"),
              ("id", "name", "created_at", "updated_at"), classified=False),
    TableSpec("auth.users", "auth.users", "users",
              ("id", "email", "password_hash", "email_confirmed_at", "created_at", "updated_at",
               "last_sign_in_at", "password_changed_at", "disabled_at", "banned_until",
               "failed_login_count", "locked_until", "external_issuer", "external_subject",
               "app_metadata", "user_metadata", "migrated_from"),
              ("id", "email", "encrypted_password", "email_confirmed_at", "created_at", "updated_at",
               "last_sign_in_at", "deleted_at", "banned_until", "raw_app_meta_data",
               "raw_user_meta_data")),
    TableSpec("migration.identities", "auth.identities", "identities",
              ("id", "user_id", "provider", "provider_id", "email", "identity_data", "created_at",
               "updated_at", "last_sign_in_at", "linked_at"),
              ("id", "user_id", "provider", "provider_id", "identity_data", "created_at",
               "updated_at", "last_sign_in_at"), classified=False, audited=False),
    TableSpec("public.profiles", "public.profiles", "profiles",
              ("id", "first_name", "last_name", "created_at", "updated_at", "user_category", "npi",
               "recovery_email", "phone_number", "verification_status", "institution_id"),
              ("id", "first_name", "last_name", "created_at", "updated_at", "user_category", "npi",
               "recovery_email", "phone_number", "verification_status", "institution_id",
               "affiliated_institution")),
    TableSpec("public.user_settings", "public.user_settings", "user_settings",
              ("id", "theme", "created_at", "updated_at"), ("id", "theme", "created_at", "updated_at")),
    TableSpec("public.medical_notes", "public.medical_notes", "medical_notes",
              ("id", "user_id", "mrn", "date_of_service", "insurance_provider", "status", "created_at",
               "updated_at", "operative_notes", "admission_notes", "discharge_notes", "pathology_notes",
               "progress_notes", "bedside_notes", "billable_notes", "ai_raw_output", "panel_data",
               "final_processed_data", "summary_data", "workflow_status", "case_number",
               "provider_user_id", "institution_id"),
              ("id", "user_id", "mrn", "date_of_service", "insurance_provider", "status", "created_at",
               "updated_at", "operative_notes", "admission_notes", "discharge_notes", "pathology_notes",
               "progress_notes", "bedside_notes", "billable_notes", "ai_raw_output", "panel_data",
               "final_processed_data", "summary_data", "workflow_status", "case_number",
               "provider_user_id", "institution_id"), bulk_load=True),
)

REMOVED_TABLES = ("public.attestations", "public.audit_trail", "public.panel_flags",
                  "public.panel_submissions")
REMOVED_VIEWS = ("public.medical_notes_with_lookup",)

ARCHIVE: tuple[ArchiveItem, ...] = (
    *(ArchiveItem(t.split(".")[1], t, None) for t in REMOVED_TABLES),
    ArchiveItem("medical_notes.removed_columns", "public.medical_notes",
                ("id", "title", "content", "tags", "source")),
    # verification_status: the source's own value, replaced by membership (0053: a profile with
    # an institution is a verified member).
    ArchiveItem("profiles.removed_columns", "public.profiles",
                ("id", "name", "affiliated_institution", "verification_status")),
    # GoTrue's other user columns, except secrets (tokens), which are never copied anywhere.
    ArchiveItem("users.removed_columns", "auth.users",
                ("id", "phone", "phone_confirmed_at", "invited_at", "confirmation_sent_at",
                 "recovery_sent_at", "email_change", "email_change_sent_at", "is_super_admin",
                 "is_sso_user", "is_anonymous", "aud", "role")),
)



def ident(name: str) -> sql.Identifier:
    """A schema-qualified table name as an identifier (never interpolated as text)."""
    schema, table = name.split(".")
    return sql.Identifier(schema, table)
