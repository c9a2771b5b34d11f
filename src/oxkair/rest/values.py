"""The limits our own API puts on written values (api/models.py: lengths, JSON size and depth, no
NUL, formats) apply to /rest/v1 writes too: one set of rules whichever door a write comes in by."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from oxkair.api.messages import field_errors
from oxkair.api.models import CaseFields, CaseNumber, ProfileUpdate, SettingsUpdate
from oxkair.rest.errors import RestError


class _CaseValues(CaseFields):
    case_number: CaseNumber | None = None


# Columns each model knows; other columns are left to the database (grants, policies, triggers).
_MODELS: dict[str, type[BaseModel]] = {
    "medical_notes": _CaseValues,
    "profiles": ProfileUpdate,
    "user_settings": SettingsUpdate,
}


_RULE = "the request breaks a rule of the data"
# Columns that, once set, PATCH /me/profile does not let a user empty either.
_REQUIRED = {"profiles": ("first_name", "last_name")}


def check(table: str, rows: list[dict[str, Any]]) -> None:
    """400 (23514, as a refused CHECK) naming each bad field and why, never its value."""
    model = _MODELS.get(table)
    if model is None:
        return
    known = model.model_fields
    for row in rows:
        for name in _REQUIRED.get(table, ()):
            if name in row and row[name] is None:
                raise RestError(400, "23514", _RULE, f"{name}: This is required.")
        values = {k: v for k, v in row.items() if k in known}
        try:
            model.model_validate(values)
        except ValidationError as exc:
            # A column a row leaves out is not required here (PATCH changes some columns).
            errors = field_errors(e for e in exc.errors() if e["type"] != "missing")
            if errors:
                details = "; ".join(f"{e['field']}: {e['msg']}" for e in errors)
                raise RestError(400, "23514", _RULE, details) from exc
