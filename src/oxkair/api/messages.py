"""Validation errors in plain language, one per field, for people (no regexes, no type names)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Where a value came from; the field's name is what follows.
_SOURCES = {"body", "query", "path", "header", "cookie"}

# What a field's format is, said to a person (the pattern itself never is).
_FORMATS = {
    "email": "Enter an email address, like name@example.org.",
    "recovery_email": "Enter an email address, like name@example.org.",
    "npi": "An NPI is 10 digits.",
    "phone_number": "Enter a phone number: digits, spaces and + ( ) - . only.",
    "case_number": "Use letters, digits and . _ - / only, starting with a letter or a digit.",
    "cursor": "This page link has expired; start again from the first page.",
    "q": "Enter what to search for.",
}


def field_name(loc: Iterable[Any]) -> str:
    """`["body", "email"]` → `email`; `["body", "billable_notes", 3]` → `billable_notes`."""
    parts = [p for p in loc if isinstance(p, str)]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return parts[0] if parts else ""


def plain_message(error: Mapping[str, Any]) -> str:
    """One pydantic error, as a sentence a user of the pages understands."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    name = field_name(error.get("loc", ()))
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return "This is required."
    if kind in ("string_too_short", "too_short"):
        unit = "characters" if kind == "string_too_short" else "items"
        return f"Use at least {ctx.get('min_length')} {unit}."
    if kind in ("string_too_long", "too_long"):
        unit = "characters" if kind == "string_too_long" else "items"
        return f"Use at most {ctx.get('max_length')} {unit}."
    if kind == "string_pattern_mismatch":
        return _FORMATS.get(name, "This is not in the expected format.")
    if kind.startswith("uuid"):
        return "Choose one from the list." if name.endswith("_id") else "This is not a valid identifier."
    if kind in ("literal_error", "enum"):
        return f"Choose one of: {ctx.get('expected', 'the offered options')}."
    if kind == "extra_forbidden":
        return "This field is not accepted here."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Enter a whole number."
    if kind in ("less_than_equal", "less_than"):
        return f"Use a number no greater than {ctx.get('le', ctx.get('lt'))}."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Use a number no smaller than {ctx.get('ge', ctx.get('gt'))}."
    if kind.startswith(("datetime", "date")):
        return "Enter a date, like 2024-05-31."
    if kind == "json_invalid":
        return "The request is not valid JSON."
    if kind == "value_error":  # our own validators: their message is written for people
        text = str(error.get("msg", "")).removeprefix("Value error, ")
        return sentence(text) or "This is not valid."
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "This has the wrong kind of value."
    return "This is not valid."


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Problem-details `errors`: where (`loc`, `field`), what (`msg`, plain), and `type`; never
    the input (it may be a password)."""
    return [
        {"loc": list(e.get("loc", ())), "field": field_name(e.get("loc", ())),
         "msg": plain_message(e), "type": str(e.get("type", ""))}
        for e in errors
    ]


def one_field(field: str, message: str, kind: str = "value_error") -> list[dict[str, Any]]:
    """The `errors` of a problem about one field of the body (e.g. the password policy)."""
    return [{"loc": ["body", field], "field": field, "msg": sentence(message), "type": kind}]


def sentence(text: str) -> str:
    """`the password is too short` → `The password is too short.`"""
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")) if text else text
