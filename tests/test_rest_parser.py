"""PostgREST's query grammar as rest/parser.py reads it (the examples of QueryParams.hs and what
supabase-js sends); refusals are PGRST100 with PostgREST's wording."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oxkair.rest import builder
from oxkair.rest.errors import RestError
from oxkair.rest.parser import (
    Column,
    Embed,
    Field,
    Filter,
    Logic,
    OrderTerm,
    Star,
    parse_filter,
    parse_order,
    parse_prefer,
    parse_query,
    parse_select,
)


def test_select() -> None:
    assert parse_select("*") == [Star()]
    assert parse_select("id,caseId:case_number,institutions(name)") == [
        Column(Field("id")),
        Column(Field("case_number"), "caseId"),
        Embed("institutions", None, None, False, [Column(Field("name"))]),
    ]
    assert parse_select("h:institutions!fk_medical_notes_institution!inner(*)") == [
        Embed("institutions", "h", "fk_medical_notes_institution", True, [Star()])
    ]
    assert parse_select("institutions!left()") == [Embed("institutions", None, None, False, [Star()])]
    assert parse_select("code:summary_data->icd->>code,n:summary_data->0::text") == [
        Column(Field("summary_data", (("->", "icd"), ("->>", "code"))), "code"),
        Column(Field("summary_data", (("->", "0"),), "text"), "n"),
    ]
    assert parse_select('"mrn"') == [Column(Field("mrn"))]
    assert parse_select("id, mrn") == [Column(Field("id")), Column(Field("mrn"))]


@pytest.mark.parametrize(
    "text", ["id,(select 1)", "id;drop", "id,", "", "a b", "id::regclass", "x(", "a:b:c", '"unterminated']
)
def test_select_refusals(text: str) -> None:
    with pytest.raises(RestError) as caught:
        parse_select(text)
    assert caught.value.code == "PGRST100" and caught.value.status == 400
    assert caught.value.message.startswith(f'"failed to parse select parameter ({text})" (line 1, column ')


def test_filters() -> None:
    assert parse_filter("mrn", "eq.a.b,c") == Filter(Field("mrn"), False, "eq", "a.b,c")
    assert parse_filter("mrn", "not.ilike.*x*") == Filter(Field("mrn"), True, "ilike", "*x*")
    assert parse_filter("id", 'in.(1,"2,3","a\\"b")') == Filter(Field("id"), False, "in", ("1", "2,3", 'a"b'))
    assert parse_filter("p", "is.NULL") == Filter(Field("p"), False, "is", "null")
    assert parse_filter("mrn", 'like(any).{a*,"b,c"}') == Filter(
        Field("mrn"), False, "like", ("a*", "b,c"), "any"
    )
    assert parse_filter("n", "gte.5") == Filter(Field("n"), False, "gte", "5")
    for bad in ("noop.1", "eq", "is.maybe", "in.1,2", "fts.x", "cs.{a}", "eq(some).1"):
        with pytest.raises(RestError) as caught:
            parse_filter("mrn", bad)
        assert caught.value.code == "PGRST100", bad


def test_logic_trees_and_paths() -> None:
    q = parse_query(
        [
            ("or", "(mrn.eq.a,and(n.gt.1,p.not.is.null))"),
            ("not.and", '(a.eq.1,b.eq."x,y")'),
            ("institutions.or", "(name.eq.x)"),
            ("institutions.name", "eq.y"),
        ]
    )
    assert q.filters[()] == [
        Logic(
            "or",
            False,
            (
                Filter(Field("mrn"), False, "eq", "a"),
                Logic(
                    "and",
                    False,
                    (Filter(Field("n"), False, "gt", "1"), Filter(Field("p"), True, "is", "null")),
                ),
            ),
        ),
        Logic("and", True, (Filter(Field("a"), False, "eq", "1"), Filter(Field("b"), False, "eq", "x,y"))),
    ]
    assert q.filters[("institutions",)] == [
        Logic("or", False, (Filter(Field("name"), False, "eq", "x"),)),
        Filter(Field("name"), False, "eq", "y"),
    ]
    # supabase-js passes .or('a.eq.1, b.eq.2') as written: spaces after commas are allowed
    assert parse_query([("or", "(a.eq.1, b.eq.2)")]).filters[()] == [
        Logic("or", False, (Filter(Field("a"), False, "eq", "1"), Filter(Field("b"), False, "eq", "2")))
    ]
    assert parse_query([("on_conflict", "id, case_number")]).on_conflict == ["id", "case_number"]
    with pytest.raises(RestError):
        parse_query([("or", "(id.in.1,2)")])
    with pytest.raises(RestError):
        parse_query([("or", "()")])


def test_order_range_columns_prefer() -> None:
    assert parse_order("created_at.desc.nullslast,mrn,institutions(name).asc.nullsfirst") == [
        OrderTerm(Field("created_at"), None, True, "last"),
        OrderTerm(Field("mrn"), None, False, None),
        OrderTerm(Field("name"), "institutions", False, "first"),
    ]
    q = parse_query(
        [
            ("limit", "25"),
            ("offset", "50"),
            ("profiles.limit", "1"),
            ("columns", '"mrn","status"'),
            ("on_conflict", "id"),
            ("select", ""),
        ]
    )
    assert (q.limit, q.offset, q.columns, q.on_conflict, q.select) == (
        {(): 25, ("profiles",): 1},
        {(): 50},
        ["mrn", "status"],
        ["id"],
        [Star()],
    )
    for bad in (("limit", "-1"), ("offset", "x"), ("order", "mrn.up"), ("columns", "a;b")):
        with pytest.raises(RestError):
            parse_query([bad])
    p = parse_prefer(["resolution=merge-duplicates, count=exact", "return=representation", "tx=rollback"])
    assert (p.resolution, p.count, p.return_) == ("merge-duplicates", "exact", "representation")
    q = parse_query([("q", "mayo"), ("max_results", "5"), ("name", "eq.x")], rpc=True)
    assert q.rpc_args == {"q": "mayo", "max_results": "5"} and len(q.filters[()]) == 1


_ALPHABET = "abcdeimnorst_*,.:!()\"\\->{} 0123456789;'%"


@settings(max_examples=400, deadline=None)
@given(
    select=st.text(_ALPHABET, max_size=40),
    key=st.text(_ALPHABET, max_size=15),
    value=st.text(_ALPHABET, max_size=30),
    order=st.text(_ALPHABET, max_size=25),
)
def test_any_input_parses_or_is_refused_as_postgrest_would(
    select: str, key: str, value: str, order: str
) -> None:
    """Whatever a client sends, the answer is a statement or a PostgREST error: never a crash (a 500)."""
    params = [("select", select), (key or "mrn", value), ("order", order)]
    try:
        query = parse_query(params)
        builder.read(
            "medical_notes", query, limit=10, offset=0, count=True, endpoint="GET /rest/v1/medical_notes"
        )
    except RestError as exc:
        assert exc.status in (300, 400, 404) and exc.code


_SELECT_TOKENS = [
    "id",
    "mrn",
    "status",
    "*",
    "institutions(",
    "profiles(",
    "medical_notes(",
    ")",
    ",",
    "a:",
    "!inner",
    "!fk_profiles_institution",
    "->",
    "->>",
    "k",
    "0",
    "::text",
    "::jsonb",
    "summary_data",
    "name",
    "(",
]
_FILTER_TOKENS = [
    "eq.",
    "neq.",
    "in.(",
    "not.",
    "is.",
    "null",
    "like(any).{",
    "}",
    "*",
    ",",
    ")",
    "(",
    '"',
    "x",
    "1",
    "or(",
    "and(",
    "mrn.",
    "id.",
    "gt.",
    "isdistinct.",
    "match.",
    ".",
]


@settings(max_examples=400, deadline=None)
@given(
    select=st.lists(st.sampled_from(_SELECT_TOKENS), max_size=12).map("".join),
    key=st.sampled_from(
        ["mrn", "or", "not.or", "institutions.name", "institutions.or", "summary_data->>k", "id"]
    ),
    value=st.lists(st.sampled_from(_FILTER_TOKENS), max_size=10).map("".join),
    order=st.lists(
        st.sampled_from(["mrn", ".desc", ".nullslast", ",", "institutions(name)", "id", ".asc"]), max_size=6
    ).map("".join),
)
def test_near_valid_input_builds_or_is_refused(select: str, key: str, value: str, order: str) -> None:
    params = [("select", select), (key, value), ("order", order), ("institutions.limit", "1")]
    try:
        query = parse_query(params)
        for table in ("medical_notes", "institutions"):
            builder.read(table, query, limit=10, offset=0, count=True, endpoint=f"GET /rest/v1/{table}")
    except RestError as exc:
        assert exc.status in (300, 400, 404) and exc.code
