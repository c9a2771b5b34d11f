"""Public shapes of the case-management API: profiles, settings, providers, cases (explicit fields)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# The seed's CHECK on medical_notes.status, in workflow order (tests/test_schema.py compares them);
# every Python and page use of the list comes from here.
Status = Literal["INCOMPLETE", "PENDING_CODER_REVIEW", "PENDING_PROVIDER_REVIEW", "PENDING_BILLING"]
STATUSES: tuple[str, ...] = get_args(Status)
STATUS_LABELS = {"INCOMPLETE": "Incomplete", "PENDING_CODER_REVIEW": "Pending coder review",
                 "PENDING_PROVIDER_REVIEW": "Pending provider review", "PENDING_BILLING": "Pending billing"}
Theme = Literal["light", "dark"]
NOTE_FIELDS = (
    "operative_notes", "admission_notes", "discharge_notes",
    "pathology_notes", "progress_notes", "bedside_notes",
)
JSON_FIELDS = ("ai_raw_output", "panel_data", "final_processed_data", "summary_data")

JSON_MAX_BYTES = 262_144  # per JSON field, serialised
JSON_MAX_DEPTH = 32


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refusing it here keeps it a 422, never a driver error.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _bounded_json(value: Any) -> Any:
    """A JSON object or array of at most JSON_MAX_BYTES and JSON_MAX_DEPTH levels."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > JSON_MAX_DEPTH:
            raise ValueError(f"nested deeper than {JSON_MAX_DEPTH} levels")
        if isinstance(item, dict):
            for key, child in item.items():
                _no_nul(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _no_nul(item)
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            raise ValueError("NaN and infinities are not JSON")
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > JSON_MAX_BYTES:
        raise ValueError(f"larger than {JSON_MAX_BYTES} bytes")
    return value


NoNul = AfterValidator(_no_nul)
ShortText = Annotated[str, Field(max_length=200), NoNul]
NoteText = Annotated[str, Field(max_length=200_000), NoNul]
Name = Annotated[str, Field(min_length=1, max_length=100), NoNul]
Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), NoNul]
WorkflowStatus = Annotated[str, Field(min_length=1, max_length=50), NoNul]
JsonDoc = Annotated[dict[str, Any] | list[Any], AfterValidator(_bounded_json)]
CaseNumber = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")]
BillableNotes = Annotated[list[Annotated[str, Field(max_length=2000), AfterValidator(_no_nul)]],
                          Field(max_length=500)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ── profile and settings
class ProfilePublic(BaseModel):
    id: UUID
    first_name: str | None
    last_name: str | None
    name: str | None
    user_category: str | None
    npi: str | None
    recovery_email: str | None
    phone_number: str | None
    verification_status: str | None
    institution_id: UUID | None
    institution_name: str | None
    is_institution_admin: bool = False
    is_audit_reviewer: bool = False  # a privacy officer or global auditor: the access review page
    created_at: datetime | None
    updated_at: datetime | None


class ProfileUpdate(Strict):
    """What a user may change of their profile; institution and category are fixed at signup."""

    first_name: Name | None = None
    last_name: Name | None = None
    npi: Annotated[str, Field(pattern=r"^\d{10}$")] | None = None
    recovery_email: Email | None = None
    phone_number: Annotated[str, Field(max_length=32, pattern=r"^[0-9+()\-. ]{4,32}$")] | None = None


class SettingsPublic(BaseModel):
    theme: Theme
    updated_at: datetime | None = None


class SettingsUpdate(Strict):
    theme: Theme


# ── institution administrators (issue 12)
class MemberPublic(BaseModel):
    id: UUID
    name: str | None
    email: str
    user_category: str | None
    verification_status: str
    is_admin: bool
    created_at: datetime | None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> MemberPublic:
        return cls(id=row[0], name=row[1], email=row[2], user_category=row[3], verification_status=row[4],
                   is_admin=row[5], created_at=row[6])


class MemberDecision(Strict):
    decision: Literal["verified", "rejected"]


class NewAdmin(Strict):
    user_id: UUID


# ── providers and institutions
class ProviderPublic(BaseModel):
    id: UUID
    name: str | None


class InstitutionHit(BaseModel):
    id: UUID
    name: str
    score: float


class InstitutionSuggestion(BaseModel):
    id: UUID
    name: str


class InstitutionList(BaseModel):
    items: list[InstitutionHit]


class SuggestionList(BaseModel):
    items: list[InstitutionSuggestion]


# ── cases
class CaseFields(Strict):
    """The editable fields of a case (PATCH); all optional."""

    mrn: ShortText | None = None
    date_of_service: datetime | None = None
    insurance_provider: ShortText | None = None
    operative_notes: NoteText | None = None
    admission_notes: NoteText | None = None
    discharge_notes: NoteText | None = None
    pathology_notes: NoteText | None = None
    progress_notes: NoteText | None = None
    bedside_notes: NoteText | None = None
    billable_notes: BillableNotes | None = None
    ai_raw_output: JsonDoc | None = None
    panel_data: JsonDoc | None = None
    final_processed_data: JsonDoc | None = None
    summary_data: JsonDoc | None = None
    workflow_status: WorkflowStatus | None = None


class CaseCreate(CaseFields):
    case_number: CaseNumber | None = None
    status: Literal["INCOMPLETE", "PENDING_CODER_REVIEW"] = "INCOMPLETE"


class CaseUpdate(CaseFields):
    pass


class CaseTransition(Strict):
    to: Status
    provider_user_id: UUID | None = None


class CaseSummary(BaseModel):
    id: UUID
    case_number: str
    status: str | None
    workflow_status: str | None
    mrn: str | None
    date_of_service: datetime | None
    insurance_provider: str | None
    user_id: UUID
    provider_user_id: UUID | None
    institution_id: UUID | None
    created_at: datetime | None
    updated_at: datetime | None


class CasePublic(CaseSummary):
    operative_notes: str | None
    admission_notes: str | None
    discharge_notes: str | None
    pathology_notes: str | None
    progress_notes: str | None
    bedside_notes: str | None
    billable_notes: list[str] | None
    ai_raw_output: Any = None
    panel_data: Any = None
    final_processed_data: Any = None
    summary_data: Any = None


class CaseList(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null at the end")


SUMMARY_COLUMNS = tuple(CaseSummary.model_fields)
CASE_COLUMNS = tuple(CasePublic.model_fields)


class CaseCounts(BaseModel):
    counts: dict[str, int] = Field(description="the caller's cases per status (every status listed)")
    total: int


class CaseHistoryEntry(BaseModel):
    at: datetime
    action: Literal["created", "edited", "moved"]
    actor_name: str | None = Field(description="who did it (their name; null if unknown)")
    fields: list[str] = Field(description="the fields that changed (names only)")
    status_from: str | None
    status_to: str | None
    provider_name: str | None = Field(description="the provider the case was sent to, when it was")


class CaseHistory(BaseModel):
    items: list[CaseHistoryEntry]
