"""SQL of /rest/v1 requests, composed with psycopg.sql: identifiers only from rest/schema.py
(a name in a request is looked up there, and the schema's own spelling is what goes into SQL);
values only as parameters."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from psycopg import sql

from oxkair.rest.errors import (
    RestError,
    column_not_found,
    no_relationship,
    not_implemented,
    table_not_found,
    undefined_column,
)
from oxkair.rest.parser import Column, Embed, Field, Filter, Item, Logic, OrderTerm, Path, Query, Star
from oxkair.rest.schema import FUNCTIONS, TABLES, Function, Relationship, Table, relationships

_CMP = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "like": "LIKE",
        "ilike": "ILIKE", "match": "~", "imatch": "~*"}
MAX_FIELDS = 50  # json_build_object takes at most 100 arguments
MAX_DEPTH = 3
_IS = {"null": "IS NULL", "not_null": "IS NOT NULL", "true": "IS TRUE", "false": "IS FALSE",
       "unknown": "IS UNKNOWN"}


@cache
def template(name: str) -> str:
    """rest/sql/<name> without its comment lines."""
    text = files("oxkair.rest").joinpath(f"sql/{name}").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def table(name: str) -> Table:
    if name not in TABLES:
        raise table_not_found(name)
    return TABLES[name]


@dataclass
class Statement:
    sql: sql.Composed
    params: dict[str, Any]


@dataclass
class _Scope:
    """One relation of the statement: the exposed table (or function result) and its alias."""

    table: Table
    alias: sql.Identifier
    path: Path


@dataclass
class Builder:
    """Builds one statement; `params` collects the values under generated names."""

    query: Query
    strip_nulls: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    _aliases: int = 0
    _used_paths: set[Path] = field(default_factory=set)

    def param(self, value: Any) -> sql.Composable:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return sql.Placeholder(name)

    def stripped(self, shape: sql.Composable) -> sql.Composable:
        """`Accept: …;nulls=stripped`: no null-valued keys (json_strip_nulls, as PostgREST)."""
        return sql.SQL("json_strip_nulls({})").format(shape) if self.strip_nulls else shape

    def alias(self) -> sql.Identifier:
        self._aliases += 1
        return sql.Identifier(f"_oxk_t{self._aliases}")

    # ─────────────────────────────────────────── columns and expressions
    def column(self, scope: _Scope, name: str) -> str:
        if name not in scope.table.columns:
            raise undefined_column(scope.table.name, name)
        return name

    def expr(self, scope: _Scope, fld: Field) -> tuple[sql.Composable, str]:
        """The field's expression and the SQL type of its values."""
        name = self.column(scope, fld.name)
        out: sql.Composable = sql.SQL("{}.{}").format(scope.alias, sql.Identifier(name))
        kind = scope.table.columns[name]
        for arrow, key in fld.path:
            if kind not in ("json", "jsonb"):
                raise RestError(400, "42883", f"operator does not exist: {kind} {arrow} unknown")
            index = (sql.SQL("{}::integer").format(self.param(int(key))) if key.isdigit()
                     else sql.SQL("{}::text").format(self.param(key)))
            out = sql.SQL("({} {} {})").format(out, sql.SQL(arrow), index)
            kind = "text" if arrow == "->>" else "jsonb"
        if fld.cast:
            cast = {"int": "integer", "bool": "boolean"}.get(fld.cast, fld.cast)
            out = sql.SQL("{}::{}").format(out, sql.SQL(cast))  # from parser.CASTS only
            kind = cast
        return out, kind

    # ─────────────────────────────────────────── select
    def shape(self, scope: _Scope, items: list[Item]) -> sql.Composable:
        """One row as a JSON object: json_build_object(key, value, …). Keys the request names
        (aliases) are parameters, the table's own column names literals: no name in the request
        becomes an identifier."""
        pairs: list[sql.Composable] = []
        for item in items:
            if isinstance(item, Star):
                pairs += [sql.SQL("{}, {}.{}").format(sql.Literal(c), scope.alias, sql.Identifier(c))
                          for c in scope.table.columns]
            elif isinstance(item, Column):
                expr, _ = self.expr(scope, item.field)
                pairs.append(sql.SQL("{}::text, {}").format(self.param(item.alias or item.field.label), expr))
            else:
                pairs.append(sql.SQL("{}::text, {}").format(self.param(item.alias or item.name),
                                                            self.embed(scope, item)))
        if len(pairs) > MAX_FIELDS:
            raise RestError(400, "PGRST100", "too many fields in select",
                            f"At most {MAX_FIELDS} fields per object (a table's * counts each column)")
        return sql.SQL("json_build_object({})").format(sql.SQL(", ").join(pairs))

    def relationship(self, scope: _Scope, name: str, hint: str | None) -> Relationship:
        found = relationships(scope.table.name, name, hint)
        if not found:
            raise no_relationship(scope.table.name, name, hint)
        if len(found) > 1:
            raise RestError(300, "PGRST201", f"Could not embed because more than one relationship was found"
                                             f" for '{scope.table.name}' and '{name}'")
        rel = found[0]
        if TABLES[rel.target].logged:
            raise not_implemented(f"'{rel.target}' cannot be embedded in another resource: read it directly,"
                                  " so that each read of a case is written to the access log")
        return rel

    def _join(self, rel: Relationship, parent: _Scope, child: _Scope) -> sql.Composable:
        return sql.SQL("{}.{} = {}.{}").format(child.alias, sql.Identifier(rel.target_column),
                                                parent.alias, sql.Identifier(rel.source_column))

    def embed(self, parent: _Scope, embed: Embed) -> sql.Composable:
        rel = self.relationship(parent, embed.name, embed.hint)
        child = _Scope(TABLES[rel.target], self.alias(), (*parent.path, embed.alias or embed.name))
        self._used_paths.add(child.path)
        if len(child.path) > MAX_DEPTH:
            raise RestError(400, "PGRST100", "embeds nested too deep",
                            f"At most {MAX_DEPTH} levels of embedding")
        where = [self._join(rel, parent, child), *self.filters(child)]
        body = sql.SQL("SELECT {cols} AS _oxk_json FROM public.{table} AS {alias}"
                       " WHERE {where}{order}{limit}").format(
            cols=self.shape(child, embed.items), table=sql.Identifier(rel.target), alias=child.alias,
            where=sql.SQL(" AND ").join(where), order=self.order(child),
            limit=self.range(child.path))
        if rel.to_one:
            return sql.SQL("({})").format(body)
        return sql.SQL("coalesce((SELECT json_agg(_e._oxk_json) FROM ({}) AS _e), '[]')").format(body)

    def inner_joins(self, parent: _Scope, items: list[Item]) -> list[sql.Composable]:
        """`!inner` embeds keep only the parent rows that have a (matching) embedded row."""
        out: list[sql.Composable] = []
        for item in items:
            if isinstance(item, Embed) and item.inner:
                rel = self.relationship(parent, item.name, item.hint)
                child = _Scope(TABLES[rel.target], self.alias(), (*parent.path, item.alias or item.name))
                where = [self._join(rel, parent, child), *self.filters(child)]
                out.append(sql.SQL("EXISTS (SELECT FROM public.{} AS {} WHERE {})").format(
                    sql.Identifier(rel.target), child.alias, sql.SQL(" AND ").join(where)))
        return out

    def range(self, path: Path) -> sql.Composable:
        parts: list[sql.Composable] = []
        if path in self.query.limit:
            parts.append(sql.SQL(" LIMIT {}").format(self.param(self.query.limit[path])))
        if path in self.query.offset:
            parts.append(sql.SQL(" OFFSET {}").format(self.param(self.query.offset[path])))
        return sql.Composed(parts)

    # ─────────────────────────────────────────── filters and order
    def filters(self, scope: _Scope) -> list[sql.Composable]:
        return [self.condition(scope, f) for f in self.query.filters.get(scope.path, [])]

    def condition(self, scope: _Scope, node: Filter | Logic) -> sql.Composable:
        if isinstance(node, Logic):
            inner = sql.SQL(" AND " if node.op == "and" else " OR ").join(
                self.condition(scope, c) for c in node.children)
            return sql.SQL("NOT ({})" if node.negate else "({})").format(inner)
        expr, kind = self.expr(scope, node.field)
        cond: sql.Composable
        if node.op == "is":
            cond = sql.SQL("{} {}").format(expr, sql.SQL(_IS[str(node.value)]))
        elif node.op == "isdistinct":
            cond = sql.SQL("{} IS DISTINCT FROM {}::{}").format(expr, self.param(node.value), sql.SQL(kind))
        elif node.op == "in":
            cond = sql.SQL("{} = ANY({}::{}[])").format(expr, self.param(list(node.value)), sql.SQL(kind))
        elif node.op in ("like", "ilike", "match", "imatch"):
            text_expr = expr if kind == "text" else sql.SQL("{}::text").format(expr)
            values = [node.value] if isinstance(node.value, str) else list(node.value)
            if node.op in ("like", "ilike"):
                values = [v.replace("*", "%") for v in values]
            if node.quantifier:
                cond = sql.SQL("{} {} {}({}::text[])").format(
                    text_expr, sql.SQL(_CMP[node.op]), sql.SQL(node.quantifier.upper()), self.param(values))
            else:
                cond = sql.SQL("{} {} {}").format(text_expr, sql.SQL(_CMP[node.op]), self.param(values[0]))
        elif node.quantifier:
            cond = sql.SQL("{} {} {}({}::{}[])").format(expr, sql.SQL(_CMP[node.op]),
                                                      sql.SQL(node.quantifier.upper()),
                                                      self.param(list(node.value)), sql.SQL(kind))
        else:
            cond = sql.SQL("{} {} {}::{}").format(expr, sql.SQL(_CMP[node.op]), self.param(node.value),
                                                  sql.SQL(kind))
        return sql.SQL("NOT ({})").format(cond) if node.negate else cond

    def order(self, scope: _Scope) -> sql.Composable:
        terms = self.query.order.get(scope.path)
        if not terms:
            return sql.SQL("")
        return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(self.order_term(scope, t) for t in terms)

    def order_term(self, scope: _Scope, term: OrderTerm) -> sql.Composable:
        if term.relation is None:
            expr, _ = self.expr(scope, term.field)
        else:
            rel = self.relationship(scope, term.relation, None)
            if not rel.to_one:
                raise RestError(400, "PGRST118", f"A related order on '{term.relation}' is not possible",
                                f"'{scope.table.name}' and '{term.relation}' do not form a many-to-one or"
                                " one-to-one relationship")
            child = _Scope(TABLES[rel.target], self.alias(), ())
            value, _ = self.expr(child, term.field)
            expr = sql.SQL("(SELECT {} FROM public.{} AS {} WHERE {})").format(
                value, sql.Identifier(rel.target), child.alias, self._join(rel, scope, child))
        direction = sql.SQL(" DESC" if term.desc else " ASC")
        nulls = sql.SQL({"first": " NULLS FIRST", "last": " NULLS LAST", None: ""}[term.nulls])
        return sql.Composed([expr, direction, nulls])

    def check_paths(self) -> None:
        """Filters, orders and ranges must name an embed of the select (PGRST108)."""
        for paths in (self.query.filters, self.query.order, self.query.limit, self.query.offset):
            for path in paths:
                if path and path not in self._used_paths:
                    raise RestError(
                        400, "PGRST108", f"'{path[-1]}' is not an embedded resource in this request",
                        hint=f"Verify that '{path[-1]}' is included in the 'select' query parameter.")


# ───────────────────────────────────────────────────────────── statements
def read(name: str, query: Query, *, limit: int, offset: int, count: bool, endpoint: str,
         log: bool = True, strip_nulls: bool = False) -> Statement:
    """GET: the page as one JSON array, its row count, the exact total (when asked), the log."""
    t = table(name)
    b = Builder(query, strip_nulls)
    root = _Scope(t, sql.Identifier("_oxk_t0"), ())
    shape = b.stripped(b.shape(root, query.select))
    where = [*b.filters(root), *b.inner_joins(root, query.select)]
    order = b.order(root)
    b.check_paths()
    where_sql = sql.SQL("WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL("")
    source = sql.SQL("public.{} AS {}").format(sql.Identifier(t.name), root.alias)
    key = sql.SQL("{}.{}").format(root.alias, sql.Identifier(t.primary_key[0]))
    b.params.update(limit=limit, offset=offset, endpoint=endpoint)
    log_sql = sql.SQL("app.log_case_reads(s.ids, %(endpoint)s)") if t.logged and log else sql.SQL("0")
    total = (sql.SQL("(SELECT count(*) FROM {} {})").format(source, where_sql) if count
             else sql.SQL("NULL::bigint"))
    statement = sql.SQL(template("read.sql"))
    return Statement(statement.format(key=key, source=source, shape=shape, where=where_sql,
                                      order=order, log=log_sql, total=total), b.params)


def _payload_columns(t: Table, names: list[str]) -> list[str]:
    for n in names:
        if n not in t.columns:
            raise column_not_found(t.name, n)
    return names


def _returning(b: Builder, t: Table, write: sql.Composable, represent: bool) -> Statement:
    alias = sql.Identifier("_oxk_t0")
    root = _Scope(t, alias, ())
    shape = b.stripped(b.shape(root, b.query.select)) if represent else sql.SQL("NULL::json")
    b.check_paths()
    statement = sql.SQL(template("write.sql")).format(
        write=write, key=sql.SQL("{}.{}").format(alias, sql.Identifier(t.primary_key[0])), shape=shape,
        alias=alias)
    return Statement(statement, b.params)


def insert(name: str, query: Query, rows: list[dict[str, Any]], columns: list[str], *, resolution: str | None,
           represent: bool, strip_nulls: bool = False) -> Statement:
    """POST: json_populate_recordset of the body (one parameter however many rows), ON CONFLICT
    when upserting; the conflict target is on_conflict's columns or the primary key."""
    t = table(name)
    cols = _payload_columns(t, columns)
    b = Builder(query, strip_nulls)
    implied = [c for c in t.implied if c not in cols]
    targets = sql.SQL(", ").join(sql.Identifier(c) for c in [*cols, *implied])
    sources = sql.SQL(", ").join(
        [sql.SQL("coalesce(_oxk_b.{}, {})").format(sql.Identifier(c), sql.SQL(t.implied[c])) if c in t.implied
         else sql.SQL("_oxk_b.{}").format(sql.Identifier(c)) for c in cols]
        + [sql.SQL(t.implied[c]) for c in implied])
    conflict: sql.Composable = sql.SQL("")
    if resolution is not None:
        target = _payload_columns(t, query.on_conflict or list(t.primary_key))
        updates = [c for c in cols if c not in target]
        if resolution == "ignore-duplicates" or not updates:
            action: sql.Composable = sql.SQL("DO NOTHING")
        else:
            action = sql.SQL("DO UPDATE SET ") + sql.SQL(", ").join(
                sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in updates)
        conflict = sql.SQL(" ON CONFLICT ({}) {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in target), action)
    write = sql.SQL("INSERT INTO public.{t} AS _oxk_w ({targets}) SELECT {sources} FROM"
                    " json_populate_recordset(NULL::public.{t}, {body}::json) AS _oxk_b{conflict}"
                    " RETURNING _oxk_w.*").format(
        t=sql.Identifier(t.name), targets=targets, sources=sources, body=b.param(json.dumps(rows)),
        conflict=conflict)
    return _returning(b, t, write, represent)


def update(name: str, query: Query, values: dict[str, Any], *, represent: bool,
           strip_nulls: bool = False) -> Statement:
    """PATCH: the body's columns of the rows the filters select (filters are required)."""
    t = table(name)
    cols = _payload_columns(t, list(values))
    b = Builder(query, strip_nulls)
    scope = _Scope(t, sql.Identifier("_oxk_w"), ())
    where = b.filters(scope)
    idents = sql.SQL(", ").join(sql.Identifier(c) for c in cols)
    write = sql.SQL("UPDATE public.{t} AS _oxk_w SET ({cols}) = (SELECT {cols} FROM"
                    " json_populate_record(NULL::public.{t}, {body}::json)) WHERE {where}"
                    " RETURNING _oxk_w.*").format(
        t=sql.Identifier(t.name), cols=idents, body=b.param(json.dumps(values)),
        where=sql.SQL(" AND ").join(where))
    return _returning(b, t, write, represent)


def delete(name: str, query: Query, *, represent: bool, strip_nulls: bool = False) -> Statement:
    t = table(name)
    b = Builder(query, strip_nulls)
    scope = _Scope(t, sql.Identifier("_oxk_w"), ())
    where = b.filters(scope)
    write = sql.SQL("DELETE FROM public.{t} AS _oxk_w WHERE {where} RETURNING _oxk_w.*").format(
        t=sql.Identifier(t.name), where=sql.SQL(" AND ").join(where))
    return _returning(b, t, write, represent)


def function(name: str) -> Function:
    if name not in FUNCTIONS:
        raise RestError(404, "PGRST202", f"Could not find the function public.{name} in the schema cache")
    return FUNCTIONS[name]


def call(fn: Function, args: dict[str, Any], query: Query, *, limit: int, offset: int,
         strip_nulls: bool = False) -> Statement:
    """POST/GET /rpc/<fn>: named arguments, each cast to its declared type."""
    unknown = [a for a in args if a not in fn.args]
    missing = [a for a in fn.required if a not in args]
    if unknown or missing:
        names = ", ".join(sorted(args))
        raise RestError(404, "PGRST202",
                        f"Could not find the function public.{fn.name}({names}) in the schema cache",
                        f"Searched for the function public.{fn.name} with parameters {names} or with a single"
                        " unnamed json/jsonb parameter, but no matches were found in the schema cache.")
    b = Builder(query, strip_nulls)
    result = Table(fn.name, fn.columns, ())
    scope = _Scope(result, sql.Identifier("_oxk_t0"), ())
    shape = b.stripped(b.shape(scope, query.select))
    where = b.filters(scope)
    order = b.order(scope)
    b.check_paths()
    named = sql.SQL(", ").join(
        sql.SQL("{} => {}::{}").format(sql.Identifier(a), b.param(_text(args[a])), sql.SQL(fn.args[a]))
        for a in fn.args if a in args)
    b.params.update(limit=limit, offset=offset)
    statement = sql.SQL(template("rpc.sql"))
    return Statement(statement.format(
        shape=shape, function=sql.SQL("public.{}({})").format(sql.Identifier(fn.name), named),
        alias=scope.alias, where=sql.SQL("WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
        order=order), b.params)


def _text(value: Any) -> str | None:
    """An RPC argument as the text PostgreSQL casts to the parameter's type."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)
