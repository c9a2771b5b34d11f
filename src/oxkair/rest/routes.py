"""/rest/v1: PostgREST's wire format for the four exposed tables and two functions, as the end
user under RLS (the same role, claims and one transaction per request as the rest of the API)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import psycopg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from oxkair.api.deps import client_addr
from oxkair.api.rls import Rls
from oxkair.config import Settings
from oxkair.db.scoped import SCOPE_SQL, scope_params
from oxkair.rest import builder, values
from oxkair.rest.auth import require_apikey, rest_claims
from oxkair.rest.errors import RestError, database_error, not_implemented, singular
from oxkair.rest.parser import Prefer, Query, parse_prefer, parse_query

router = APIRouter(prefix="/rest/v1", include_in_schema=False, dependencies=[Depends(require_apikey)])

JSON = "application/json; charset=utf-8"
OBJECT = "application/vnd.pgrst.object+json"
_RANGE = re.compile(r"^\s*(\d{1,9})-(\d{0,9})\s*$")


def _too_many(n: int, cap: int) -> RestError:
    return RestError(400, "PGRST124", "Query result exceeds max-affected preference constraint",
                     f"The query affects {n} rows", f"At most {cap} rows are written by one request")


def _unfiltered(verb: str) -> RestError:
    # What PostgREST relays from pg-safeupdate, which oxkair applies always.
    return RestError(400, "21000", f"{verb} requires a WHERE clause", hint="Filter the rows to change")


class _Request:
    """What every /rest/v1 request needs: settings, the parsed query, preferences, media."""

    def __init__(self, request: Request, *, rpc: bool = False) -> None:
        self.request = request
        self.settings: Settings = request.app.state.settings
        self.cap = self.settings.oxkair_rest_max_rows
        self.method = request.method
        reading = self.method in ("GET", "HEAD")
        profile = request.headers.get("accept-profile" if reading else "content-profile")
        if profile is not None and profile != "public":
            raise RestError(406, "PGRST106", f"Invalid schema: {profile}",
                            hint="Only the following schemas are exposed: public")
        accept = request.headers.get("accept", "application/json")
        self.singular = self._media(accept)
        self.strip = "nulls=stripped" in accept.replace(" ", "").lower()
        self.prefer: Prefer = parse_prefer(request.headers.getlist("prefer"))
        self.rpc = rpc
        self._query: Query | None = None

    @property
    def query(self) -> Query:
        if self._query is None:
            self._query = parse_query(self.request.query_params.multi_items(), rpc=self.rpc)
        return self._query

    @staticmethod
    def _media(accept: str) -> bool:
        """True for PostgREST's single-object media type; the JSON array otherwise."""
        offered = [m.split(";")[0].strip().lower() for m in accept.split(",")]
        if OBJECT in offered:
            return True
        if any(m in ("application/json", "application/vnd.pgrst.array+json", "*/*", "application/*", "")
               for m in offered):
            return False
        raise RestError(406, "PGRST107", f"None of these media types are available: {accept}")

    def range(self) -> tuple[int, int]:
        return _range(self.query, self.request.headers.get("range"), self.cap)

    def endpoint(self, name: str) -> str:
        return f"{self.method} /rest/v1/{name}"

    async def db(self) -> Rls:
        claims = await rest_claims(self.request)
        return Rls(self.request.app.state.pool, claims, client_addr(self.request))

    def applied(self, *, write: bool) -> dict[str, str]:
        prefs = []
        if write and self.prefer.return_:
            prefs.append(f"return={self.prefer.return_}")
        if self.prefer.count:
            prefs.append(f"count={self.prefer.count}")
        if write and self.method == "POST" and self.prefer.resolution:
            prefs.append(f"resolution={self.prefer.resolution}")
        return {"Preference-Applied": ", ".join(prefs)} if prefs else {}


def _range(query: Query, header: str | None, cap: int) -> tuple[int, int]:
    """(limit, offset) of the top level: limit/offset, else a Range header; never over the cap."""
    limit = query.limit.get(())
    offset = query.offset.get((), 0)
    if header and limit is None and () not in query.offset:
        m = _RANGE.match(header)
        if m:
            offset = int(m.group(1))
            if m.group(2):
                limit = max(0, int(m.group(2)) - offset + 1)
    return min(cap if limit is None else limit, cap), offset


@lru_cache(maxsize=1024)
def _read_statement(name: str, query_string: str, range_header: str | None, cap: int, count: bool, log: bool,
                    strip: bool) -> tuple[bytes, dict[str, Any], int]:
    """A read's statement, rendered once per distinct request (a client repeats its queries):
    the SQL, its parameters (never mutated) and the offset. Refusals raise, and are not kept."""
    query = parse_query(QueryParams(query_string).multi_items())
    limit, offset = _range(query, range_header, cap)
    statement = builder.read(name, query, limit=limit, offset=offset, count=count,
                             endpoint=f"GET /rest/v1/{name}", log=log, strip_nulls=strip)
    return statement.sql.as_bytes(None), statement.params, offset


def _database(db: Rls, exc: psycopg.Error) -> RestError:
    return database_error(exc, authenticated=db.claims is not None)


# ───────────────────────────────────────────────────────────── reads
def _fetch_read(db: Rls, statement: bytes, params: dict[str, Any], one: bool) -> tuple[str, int, int | None]:
    """BEGIN, the RLS scope, the page (with its access-log entry) and COMMIT in one round trip;
    for a single object the count is checked before COMMIT, so a refused answer logs nothing."""
    try:
        with db.pool.connection() as conn:
            cur = conn.cursor()
            if not one:
                with conn.pipeline(), conn.transaction():
                    conn.execute(SCOPE_SQL, scope_params(db.claims, db.client_addr))
                    cur.execute(statement, params)
                row = cur.fetchone()
            else:
                with conn.transaction():
                    conn.execute(SCOPE_SQL, scope_params(db.claims, db.client_addr))
                    row = cur.execute(statement, params).fetchone()
                    if row is None or row[1] != 1:
                        raise singular(row[1] if row else 0)
    except psycopg.Error as exc:
        raise _database(db, exc) from exc
    assert row is not None
    return row[0], row[1], row[2]


def _content_range(lower: int, n: int, total: int | None) -> str:
    upper = lower + n - 1
    span = f"{lower}-{upper}" if total != 0 and lower <= upper else "*"
    return f"{span}/{'*' if total is None else total}"


async def _read(req: _Request, name: str) -> Response:
    head = req.method == "HEAD"
    db = await req.db()  # the token first, as PostgREST: a refused one learns nothing of the query
    statement, params, offset = _read_statement(
        name, req.request.url.query, req.request.headers.get("range"), req.cap, req.prefer.count is not None,
        not head, req.strip)
    body, n, total = await run_in_threadpool(_fetch_read, db, statement, params, req.singular)
    headers = {"Content-Range": _content_range(offset, n, total), **req.applied(write=False)}
    status = 200
    if total is not None and offset > total:
        raise RestError(416, "PGRST103", "Requested range not satisfiable",
                        f"An offset of {offset} was requested, but there are only {total} rows.",
                        headers={"Content-Range": f"*/{total}"})
    if total is not None and n < total and not req.singular:
        status = 206
    if req.singular:
        body = body[1:-1]
    media = f"{OBJECT}; charset=utf-8" if req.singular else JSON
    return Response(b"" if head else body.encode(), status, headers, media_type=media)


# ───────────────────────────────────────────────────────────── writes
def _fetch_write(db: Rls, statement: builder.Statement, *, cap: int, one: bool, log: str | None
                 ) -> tuple[str, int]:
    """The write and, for cases answered in full, their access-log entry, in one transaction;
    over the row cap or not exactly one row for a single object: rolled back."""
    try:
        with db.transaction() as conn:
            row = conn.execute(statement.sql, statement.params).fetchone()
            assert row is not None
            body, n, ids = row
            if n > cap:
                raise _too_many(n, cap)
            if one and n != 1:
                raise singular(n)
            if log and ids:
                conn.execute("SELECT app.log_case_reads(%s::uuid[], %s)", [ids, log])
    except psycopg.Error as exc:
        raise _database(db, exc) from exc
    return body, n


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RestError(400, "PGRST102", "Empty or invalid json") from exc


async def _write(req: _Request, name: str) -> Response:
    table = builder.table(name)
    db = await req.db()
    represent = req.prefer.return_ == "representation"
    if () in req.query.limit or () in req.query.offset or () in req.query.order:
        raise not_implemented("limit, offset and order are not offered on writes")
    statement: builder.Statement
    if req.method == "POST":
        payload = await _body(req.request)
        rows = payload if isinstance(payload, list) else [payload]
        if not all(isinstance(r, dict) for r in rows):
            raise RestError(400, "PGRST102", "All object keys must match")
        if len(rows) > req.cap:
            raise _too_many(len(rows), req.cap)
        columns = req.query.columns
        if columns is None:
            keys = [list(r) for r in rows]
            if any(set(k) != set(keys[0]) for k in keys):
                raise RestError(400, "PGRST102", "All object keys must match")
            columns = keys[0] if keys else []
        if req.prefer.missing == "default" and any(set(columns) - set(r) for r in rows):
            raise not_implemented("Prefer: missing=default is not offered: send every column in each row,"
                                  " or insert the rows that lack some separately")
        if not rows:
            return _written(req, "[]", 0, represent)
        values.check(name, rows)
        if not columns:
            raise not_implemented("an insert must name at least one column")
        statement = builder.insert(name, req.query, rows, columns, represent=represent,
                                   resolution=req.prefer.resolution, strip_nulls=req.strip)
    elif req.method == "PATCH":
        payload = await _body(req.request)
        if not isinstance(payload, dict):
            raise RestError(400, "PGRST102", "Empty or invalid json")
        if not req.query.filters.get(()):
            raise _unfiltered("UPDATE")
        if not payload:
            return _written(req, "[]", 0, represent)
        values.check(name, [payload])
        statement = builder.update(name, req.query, payload, represent=represent, strip_nulls=req.strip)
    else:
        if not req.query.filters.get(()):
            raise _unfiltered("DELETE")
        statement = builder.delete(name, req.query, represent=represent, strip_nulls=req.strip)
    log = req.endpoint(name) if table.logged and represent else None
    body, n = await run_in_threadpool(_fetch_write, db, statement, cap=req.cap,
                                      one=req.singular and represent, log=log)
    return _written(req, body, n, represent)


def _written(req: _Request, body: str, n: int, represent: bool) -> Response:
    """PostgREST's answer to a write (Response.hs): 201 for POST, else 200 with the rows or 204."""
    total = n if req.prefer.count else None
    if req.method == "PATCH":
        content_range = _content_range(0, n, total)
    else:
        content_range = f"*/{'*' if total is None else total}"
    headers = {"Content-Range": content_range, **req.applied(write=True)}
    status = 201 if req.method == "POST" else (200 if represent else 204)
    if not represent:
        return Response(status_code=status, headers=headers)
    if req.singular:
        return Response(body[1:-1].encode(), status, headers, media_type=f"{OBJECT}; charset=utf-8")
    return Response(body.encode(), status, headers, media_type=JSON)


# ───────────────────────────────────────────────────────────── RPC
def _fetch_call(db: Rls, statement: builder.Statement, settings: Settings) -> tuple[str, int]:
    """The call as the caller; anonymous callers spend the per-IP search budget, as
    GET /institutions/search does."""
    try:
        with db.transaction() as conn:
            if db.claims is None:
                budget = [f"search:{db.client_addr or 'unknown'}", settings.oxkair_search_rate_per_ip,
                          settings.oxkair_search_rate_window]
                row = conn.execute("SELECT auth.rate_limit_hit(%s, %s, %s)", budget).fetchone()
                if row and row[0]:
                    raise RestError(429, "OX429", "too many searches from this address; slow down",
                                    headers={"Retry-After": str(row[0])})
            result = conn.execute(statement.sql, statement.params).fetchone()
    except psycopg.Error as exc:
        raise _database(db, exc) from exc
    assert result is not None
    return result[0], result[1]


@router.api_route("/rpc/{name}", methods=["GET", "HEAD", "POST"])
async def rpc(name: str, request: Request) -> Response:
    req = _Request(request, rpc=True)
    db = await req.db()
    fn = builder.function(name)
    if request.method == "POST":
        args = await _body(request) if await request.body() else {}
        if not isinstance(args, dict):
            raise RestError(400, "PGRST102", "Empty or invalid json")
    else:
        args = dict(req.query.rpc_args)
    limit, offset = req.range()
    statement = builder.call(fn, args, req.query, limit=limit, offset=offset, strip_nulls=req.strip)
    body, n = await run_in_threadpool(_fetch_call, db, statement, req.settings)
    if req.singular:
        if n != 1:
            raise singular(n)
        body = body[1:-1]
    headers = {"Content-Range": _content_range(offset, n, None)}
    media = f"{OBJECT}; charset=utf-8" if req.singular else JSON
    return Response(b"" if request.method == "HEAD" else body.encode(), 200, headers, media_type=media)


# ───────────────────────────────────────────────────────────── tables
@router.api_route("/{name}", methods=["GET", "HEAD", "POST", "PATCH", "DELETE", "PUT"])
async def resource(name: str, request: Request) -> Response:
    builder.table(name)  # PGRST205 before anything else
    if request.method == "PUT":
        raise not_implemented("PUT (a single-row upsert by primary key) is not offered: POST with"
                              " Prefer: resolution=merge-duplicates")
    req = _Request(request)
    if request.method in ("GET", "HEAD"):
        return await _read(req, name)
    return await _write(req, name)


@router.get("/")
async def root() -> Response:
    raise RestError(404, "PGRST126", "Root endpoint metadata is disabled")
