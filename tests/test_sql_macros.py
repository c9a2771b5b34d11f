"""Names are compared one way everywhere (issue 16): SQL files write NAME_KEY(x), expanded from
one definition when loaded; none spells the expression out by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oxkair.sql_macros import MACROS, expand

SRC = Path(__file__).resolve().parents[1] / "src" / "oxkair"


def test_a_call_becomes_the_definition_nested_arguments_included() -> None:
    assert expand("SELECT NAME_KEY(i.name) = NAME_KEY(coalesce(a, lower(b)))") == (
        "SELECT " + MACROS["NAME_KEY"].format("i.name") + " = "
        + MACROS["NAME_KEY"].format("coalesce(a, lower(b))"))
    assert expand("NAME_KEY(SPACES_COLLAPSED(x))") == MACROS["NAME_KEY"].format(
        MACROS["SPACES_COLLAPSED"].format("x"))
    assert expand("no macro here: name_key(x)") == "no macro here: name_key(x)"


def test_an_unbalanced_call_is_refused() -> None:
    with pytest.raises(ValueError, match="unbalanced"):
        expand("SELECT NAME_KEY(i.name")


def test_no_sql_file_spells_the_normalisation_by_hand() -> None:
    by_hand = re.compile(r"regexp_replace\(btrim\(")
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.sql")
                 if "migrations" not in p.parts and by_hand.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
