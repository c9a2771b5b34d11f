"""What /rest/v1 exposes: the four tables, their columns and types, the foreign keys between them,
and the two RPC functions. Every identifier in a statement comes from here, never from a request."""

from __future__ import annotations

from dataclasses import dataclass, field

# Column → the SQL type a filter value is cast to (constants of this module, never input).
_MEDICAL_NOTES = {
    "id": "uuid", "user_id": "uuid", "mrn": "text", "date_of_service": "timestamptz",
    "insurance_provider": "text", "status": "text", "created_at": "timestamptz",
    "updated_at": "timestamptz", "operative_notes": "text", "admission_notes": "text",
    "discharge_notes": "text", "pathology_notes": "text", "progress_notes": "text",
    "bedside_notes": "text", "billable_notes": "text[]", "ai_raw_output": "jsonb",
    "panel_data": "jsonb", "final_processed_data": "jsonb", "summary_data": "jsonb",
    "workflow_status": "text", "case_number": "text", "provider_user_id": "uuid",
    "institution_id": "uuid",
}
_PROFILES = {
    "id": "uuid", "first_name": "text", "last_name": "text", "name": "text",
    "created_at": "timestamptz", "updated_at": "timestamptz", "user_category": "text", "npi": "text",
    "recovery_email": "text", "phone_number": "text", "verification_status": "text",
    "institution_id": "uuid",
}
_USER_SETTINGS = {"id": "uuid", "theme": "text", "created_at": "timestamptz", "updated_at": "timestamptz"}
# email_domains is never exposed (0130 grants only these columns).
_INSTITUTIONS = {"id": "uuid", "name": "text", "created_at": "timestamptz", "updated_at": "timestamptz"}


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, str]  # name → SQL type, in the table's order
    primary_key: tuple[str, ...]
    logged: bool = False  # PHI: every read goes to the access log (app.log_case_reads)
    # What an insert that leaves a column out (or null) gets, as POST /cases gives it: SQL
    # constants of this module. (Not column defaults: the schema keeps the seed's.)
    implied: dict[str, str] = field(default_factory=dict)


TABLES: dict[str, Table] = {
    "medical_notes": Table("medical_notes", _MEDICAL_NOTES, ("id",), logged=True, implied={
        "user_id": "(SELECT auth.uid())", "case_number": "public.next_case_number()"}),
    "profiles": Table("profiles", _PROFILES, ("id",)),
    "user_settings": Table("user_settings", _USER_SETTINGS, ("id",)),
    "institutions": Table("institutions", _INSTITUTIONS, ("id",)),
}


@dataclass(frozen=True)
class Relationship:
    """`source` embeds `target`: source.source_column = target.target_column."""

    source: str
    target: str
    constraint: str
    source_column: str
    target_column: str
    to_one: bool


_FKS = (  # (table, column, constraint) → institutions.id
    ("medical_notes", "institution_id", "fk_medical_notes_institution"),
    ("profiles", "institution_id", "fk_profiles_institution"),
)
RELATIONSHIPS: tuple[Relationship, ...] = tuple(
    rel
    for table, column, constraint in _FKS
    for rel in (
        Relationship(table, "institutions", constraint, column, "id", to_one=True),
        Relationship("institutions", table, constraint, "id", column, to_one=False),
    )
)


def relationships(source: str, target: str, hint: str | None) -> list[Relationship]:
    """The relationships from `source` to `target` (or through the FK column `target`), narrowed by
    a `!hint` (a constraint or column name), as PostgREST resolves them."""
    found = [r for r in RELATIONSHIPS if r.source == source
             and (r.target == target or (r.to_one and r.source_column == target))]
    if hint is not None:
        found = [r for r in found if hint in (r.constraint, r.source_column, r.target_column)]
    return found


@dataclass(frozen=True)
class Function:
    """An RPC: its arguments (name → SQL type; the required ones first) and result columns."""

    name: str
    args: dict[str, str]
    required: tuple[str, ...]
    columns: dict[str, str]


FUNCTIONS: dict[str, Function] = {
    "search_institutions": Function("search_institutions", {"q": "text", "max_results": "integer"}, ("q",),
                                    {"id": "uuid", "name": "text", "score": "real"}),
    "suggest_institutions": Function("suggest_institutions", {"email": "text"}, ("email",),
                                     {"id": "uuid", "name": "text"}),
    # The verified Providers of the caller's institution (id, name, category: nothing else of their
    # profiles, which RLS keeps to their owners), for the "send to provider" list.
    "institution_providers": Function("institution_providers", {}, (),
                                      {"id": "uuid", "name": "text", "user_category": "text"}),
}
