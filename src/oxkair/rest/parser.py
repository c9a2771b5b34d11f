"""PostgREST's query grammar (ApiRequest/QueryParams.hs): select, filters, logic trees, order,
limit/offset, on_conflict, columns, and the Prefer header. Parsing only: names are checked
against the exposed schema by the builder, and nothing here becomes SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from oxkair.rest.errors import RestError, parse_error

CASTS = frozenset({"text", "integer", "int", "bigint", "numeric", "real", "boolean", "bool", "date",
                   "timestamptz", "json", "jsonb", "uuid"})
OPERATORS = ("eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "in", "is",
             "isdistinct")
QUANTIFIABLE = frozenset({"eq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch"})
MAX_NESTING = 8
IS_VALUES = frozenset({"null", "not_null", "true", "false", "unknown"})
_IDENT = re.compile(r"[A-Za-z0-9_$]+")
_KEY = re.compile(r"[A-Za-z0-9_$ -]+?(?=->|::|[,().:!]|$)")


@dataclass(frozen=True)
class Field:
    """A column, maybe with a JSON path (`col->a->>b`) and a cast (`::text`)."""

    name: str
    path: tuple[tuple[str, str], ...] = ()  # (arrow, key)
    cast: str | None = None

    @property
    def label(self) -> str:
        """The key PostgREST gives it in the answer: the last JSON key, else the column."""
        return self.path[-1][1] if self.path else self.name


@dataclass(frozen=True)
class Column:
    field: Field
    alias: str | None = None


@dataclass(frozen=True)
class Star:
    pass


@dataclass
class Embed:
    name: str
    alias: str | None
    hint: str | None
    inner: bool
    items: list[Column | Star | Embed]


Item = Column | Star | Embed


@dataclass(frozen=True)
class Filter:
    field: Field
    negate: bool
    op: str
    value: str | tuple[str, ...]
    quantifier: str | None = None  # any / all


@dataclass(frozen=True)
class Logic:
    op: str  # and / or
    negate: bool
    children: tuple[Filter | Logic, ...]


@dataclass(frozen=True)
class OrderTerm:
    field: Field
    relation: str | None  # `institutions(name).asc`: ordered by a to-one embed's column
    desc: bool
    nulls: str | None  # first / last


Path = tuple[str, ...]


@dataclass
class Query:
    select: list[Item] = field(default_factory=lambda: [Star()])
    filters: dict[Path, list[Filter | Logic]] = field(default_factory=dict)
    order: dict[Path, list[OrderTerm]] = field(default_factory=dict)
    limit: dict[Path, int] = field(default_factory=dict)
    offset: dict[Path, int] = field(default_factory=dict)
    on_conflict: list[str] | None = None
    columns: list[str] | None = None
    rpc_args: dict[str, str] = field(default_factory=dict)  # GET /rpc: plain key=value


class _Cursor:
    """A position in one parameter's text, for PostgREST-style error messages."""

    def __init__(self, what: str, text: str) -> None:
        self.what, self.text, self.pos, self.depth = what, text, 0, 0

    def deeper(self) -> None:
        """Nesting (embeds, logic trees) is bounded: a request cannot exhaust the stack."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise parse_error(self.what, self.text, self.pos + 1, f"nested deeper than {MAX_NESTING} levels")

    def fail(self, expecting: str) -> RestError:
        got = f'unexpected "{self.text[self.pos]}"' if not self.done() else "unexpected end of input"
        return parse_error(self.what, self.text, self.pos + 1, f"{got} expecting {expecting}")

    def peek(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    def take(self, s: str) -> bool:
        if self.peek(s):
            self.pos += len(s)
            return True
        return False

    def lexeme(self, s: str) -> bool:
        """`s` and the spaces after it (PostgREST's `lexeme` around commas and parentheses)."""
        if not self.take(s):
            return False
        while self.peek(" "):
            self.pos += 1
        return True

    def expect(self, s: str, expecting: str | None = None) -> None:
        if not self.take(s):
            raise self.fail(expecting or f'"{s}"')

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def ident(self, expecting: str = "field name (* or [a..z0..9_$])") -> str:
        if self.take('"'):
            return self.quoted()
        m = _IDENT.match(self.text, self.pos)
        if not m:
            raise self.fail(expecting)
        self.pos = m.end()
        return m.group(0)

    def quoted(self) -> str:
        out = []
        while not self.done():
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "\\" and not self.done():
                out.append(self.text[self.pos])
                self.pos += 1
            elif ch == '"':
                return "".join(out)
            else:
                out.append(ch)
        raise self.fail('"\\"" (end of quoted value)')

    def field(self) -> Field:
        name = self.ident()
        path: list[tuple[str, str]] = []
        while self.peek("->"):
            arrow = "->>" if self.take("->>") else (self.take("->") and "->")
            m = _KEY.match(self.text, self.pos)
            if not m or not m.group(0):
                raise self.fail("json key")
            self.pos = m.end()
            path.append((str(arrow), m.group(0)))
        cast = None
        if self.take("::"):
            cast = self.ident("cast type").lower()
            if cast not in CASTS:
                raise parse_error(self.what, self.text, self.pos, f"unsupported cast {cast!r}")
        return Field(name, tuple(path), cast)


# ───────────────────────────────────────────────────────────── select
def parse_select(text: str) -> list[Item]:
    cur = _Cursor("select parameter", text)
    items = _items(cur)
    if not cur.done():
        raise cur.fail('"," or end of input')
    return items


def _items(cur: _Cursor) -> list[Item]:
    items = [_item(cur)]
    while cur.lexeme(","):
        items.append(_item(cur))
    return items


def _item(cur: _Cursor) -> Item:
    if cur.take("*"):
        return Star()
    if cur.peek("..."):
        raise RestError(400, "PGRST127", "Feature not implemented", "spread embeds (...) are not offered")
    start = cur.pos
    first = cur.ident()
    alias: str | None = None
    if cur.peek(":") and not cur.peek("::"):
        cur.pos += 1
        alias = first
    else:
        cur.pos = start
    if cur.peek('"'):
        name_end = None
    else:
        m = _IDENT.match(cur.text, cur.pos)
        name_end = m.end() if m else None
    if name_end is not None and cur.text[name_end:name_end + 1] in ("!", "("):
        name = cur.ident()
        hint, inner = None, False
        while cur.take("!"):
            word = cur.ident("embed hint or inner/left")
            if word == "inner":
                inner = True
            elif word != "left":
                hint = word
        cur.expect("(", '"("')
        cur.deeper()
        items: list[Item] = [Star()] if cur.peek(")") else _items(cur)
        cur.expect(")", '"," or ")"')
        cur.depth -= 1
        return Embed(name, alias, hint, inner, items)
    return Column(cur.field(), alias)


# ───────────────────────────────────────────────────────────── filters
def parse_filter(column: str, text: str) -> Filter:
    fcur = _Cursor("tree path", column)
    fld = fcur.field()
    if not fcur.done():
        raise fcur.fail("end of input")
    cur = _Cursor("filter", text)
    return _op_expr(cur, fld, in_logic=False)


def _op_expr(cur: _Cursor, fld: Field, in_logic: bool) -> Filter:
    negate = cur.take("not.")
    for op in sorted(OPERATORS, key=len, reverse=True):  # gte before gt, ilike before like…
        if cur.peek(op) and cur.text[cur.pos + len(op):cur.pos + len(op) + 1] in (".", "("):
            cur.pos += len(op)
            break
    else:
        raise cur.fail('"not" or operator (eq, gt, ...)')
    quantifier = None
    if op in QUANTIFIABLE and cur.peek("("):
        for q in ("any", "all"):
            if cur.take(f"({q})"):
                quantifier = q
        if quantifier is None:
            raise cur.fail('"any" or "all"')
    cur.expect(".", "delimiter (.)")
    if op == "in":
        return Filter(fld, negate, op, _list(cur))
    if quantifier is not None:
        return Filter(fld, negate, op, _pg_array(cur, in_logic), quantifier)
    value = _logic_value(cur) if in_logic else cur.text[cur.pos:]
    if not in_logic:
        cur.pos = len(cur.text)
    if op == "is" and value.lower() not in IS_VALUES:
        raise parse_error(cur.what, cur.text, cur.pos, "unexpected value expecting isVal: (null, not_null,"
                                                       " true, false, unknown)")
    return Filter(fld, negate, op, value.lower() if op == "is" else value)


def _list(cur: _Cursor) -> tuple[str, ...]:
    cur.expect("(", '"("')
    values: list[str] = []
    while True:
        if cur.take('"'):
            values.append(cur.quoted())
        else:
            start = cur.pos
            while not cur.done() and cur.text[cur.pos] not in ",)":
                cur.pos += 1
            values.append(cur.text[start:cur.pos])
        if cur.take(")"):
            return tuple(values)
        cur.expect(",", '"," or ")"')


def _pg_array(cur: _Cursor, in_logic: bool) -> tuple[str, ...]:
    cur.expect("{", '"{"')
    end = cur.text.find("}", cur.pos)
    if end < 0:
        raise cur.fail('"}"')
    body = cur.text[cur.pos:end]
    cur.pos = end + 1
    values = []
    for part in re.findall(r'"((?:[^"\\]|\\.)*)"|([^,]+)', body):
        values.append(re.sub(r"\\(.)", r"\1", part[0]) if part[0] else part[1])
    return tuple(values)


def _logic_value(cur: _Cursor) -> str:
    if cur.take('"'):
        return cur.quoted()
    if cur.peek("{"):
        end = cur.text.find("}", cur.pos)
        if end >= 0:
            value = cur.text[cur.pos:end + 1]
            cur.pos = end + 1
            return value
    start = cur.pos
    while not cur.done() and cur.text[cur.pos] not in ",)":
        cur.pos += 1
    return cur.text[start:cur.pos]


def parse_logic(op: str, negate: bool, text: str) -> Logic:
    cur = _Cursor("logic tree", f"{op}{text}")
    cur.pos = len(op)
    children = _logic_children(cur)
    if not cur.done():
        raise cur.fail("end of input")
    return Logic(op, negate, children)


def _logic_children(cur: _Cursor) -> tuple[Filter | Logic, ...]:
    if not cur.lexeme("("):
        raise cur.fail('"("')
    cur.deeper()
    children: list[Filter | Logic] = []
    while True:
        children.append(_logic_node(cur))
        if cur.take(")"):
            cur.depth -= 1
            return tuple(children)
        if not cur.lexeme(","):
            raise cur.fail('"," or ")"')


def _logic_node(cur: _Cursor) -> Filter | Logic:
    start = cur.pos
    negate = cur.take("not.")
    for op in ("and", "or"):
        if cur.take(op) and cur.peek("("):
            return Logic(op, negate, _logic_children(cur))
    cur.pos = start
    fld = cur.field()
    cur.expect(".", "delimiter (.)")
    return _op_expr(cur, fld, in_logic=True)


# ───────────────────────────────────────────────────────────── order
def parse_order(text: str) -> list[OrderTerm]:
    cur = _Cursor("order", text)
    terms = []
    while True:
        fld = cur.field()
        relation = None
        if cur.take("("):
            relation, fld = fld.name, cur.field()
            cur.expect(")", '")"')
        desc, nulls = False, None
        if cur.take(".asc"):
            desc = False
        elif cur.take(".desc"):
            desc = True
        if cur.take(".nullsfirst"):
            nulls = "first"
        elif cur.take(".nullslast"):
            nulls = "last"
        terms.append(OrderTerm(fld, relation, desc, nulls))
        if cur.done():
            return terms
        cur.expect(",", '".asc", ".desc", ".nullsfirst", ".nullslast", "," or end of input')


def parse_columns(what: str, text: str) -> list[str]:
    cur = _Cursor(what, text)
    names = [cur.ident()]
    while cur.lexeme(","):
        names.append(cur.ident())
    if not cur.done():
        raise cur.fail('"," or end of input')
    return names


# ───────────────────────────────────────────────────────────── the whole query string
_RESERVED = frozenset({"select", "columns", "on_conflict"})
_EMBEDDABLE = frozenset({"order", "limit", "offset", "and", "or"})


def _count(name: str, text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise parse_error(name, text, 1, "unexpected value expecting a non-negative integer")
    return int(text)


def parse_query(params: list[tuple[str, str]], *, rpc: bool = False) -> Query:
    """The query string as PostgREST reads it; `rpc`: keys without an operator are arguments."""
    q = Query()
    for key, value in params:
        if key == "apikey":  # the gateway's (rest.auth.require_apikey); it never reaches PostgREST
            continue
        if key == "select":
            q.select = parse_select(value) if value else [Star()]
            continue
        if key == "columns":
            q.columns = parse_columns("columns parameter", value)
            continue
        if key == "on_conflict":
            q.on_conflict = parse_columns("on_conflict parameter", value)
            continue
        if value == "":
            continue
        parts = key.split(".")
        last = parts[-1]
        if last in _EMBEDDABLE:
            head = parts[:-1]
            negate = bool(head) and head[-1] == "not" and last in ("and", "or")
            path: Path = tuple(head[:-1] if negate else head)
            if last in ("and", "or"):
                q.filters.setdefault(path, []).append(parse_logic(last, negate, value))
            elif last == "order":
                q.order[path] = parse_order(value)
            elif last == "limit":
                q.limit[path] = _count("limit", value)
            else:
                q.offset[path] = _count("offset", value)
            continue
        if "->" in key:  # a JSON path may hold dots in no known client; keep the key whole
            path, column = (), key
        else:
            path, column = tuple(parts[:-1]), parts[-1]
        if rpc and not path and not _looks_like_filter(value):
            q.rpc_args[column] = value
            continue
        q.filters.setdefault(path, []).append(parse_filter(column, value))
    return q


def _looks_like_filter(value: str) -> bool:
    v = value[4:] if value.startswith("not.") else value
    return any(v.startswith(op + ".") or v.startswith(op + "(") for op in OPERATORS)


# ───────────────────────────────────────────────────────────── Prefer
@dataclass
class Prefer:
    return_: str | None = None  # representation / minimal / headers-only
    count: str | None = None  # exact / planned / estimated
    resolution: str | None = None  # merge-duplicates / ignore-duplicates
    missing: str | None = None  # default
    applied: list[str] = field(default_factory=list)


def parse_prefer(headers: list[str]) -> Prefer:
    """Prefer header(s), comma-separated; unknown preferences are ignored (handling=lenient)."""
    p = Prefer()
    for header in headers:
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "return" and value in ("representation", "minimal", "headers-only"):
                p.return_ = value
            elif name == "count" and value in ("exact", "planned", "estimated"):
                p.count = value
            elif name == "resolution" and value in ("merge-duplicates", "ignore-duplicates"):
                p.resolution = value
            elif name == "missing" and value == "default":
                p.missing = value
    return p
