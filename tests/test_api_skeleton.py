"""The application skeleton: health, security headers, problem details, body limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from fastapi import APIRouter
from fastapi.testclient import TestClient

from oxkair.api import create_app
from oxkair.api.deps import Db
from oxkair.api.problems import _database_problem
from oxkair.config import Settings
from tests.fixtures.api import Account


def test_healthz_answers_with_the_database(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": True}


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for r in (client.get("/healthz"), client.get("/nowhere")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["strict-transport-security"].startswith("max-age=")


def test_unknown_path_is_a_problem_document(client: TestClient) -> None:
    r = client.get("/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 404 and r.json()["title"] == "Not Found"


def test_validation_errors_never_echo_the_input(client: TestClient) -> None:
    secret = "hunter2-but-longer-secret"
    r = client.post("/auth/token", json={"email": "not-an-email", "password": secret})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert secret not in r.text and "not-an-email" not in r.text
    assert r.json()["errors"][0]["loc"] == ["body", "email"]


def test_malformed_json_is_422_not_500(client: TestClient) -> None:
    r = client.post("/auth/token", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_body_over_the_limit_is_refused(make_client: Callable[..., TestClient]) -> None:
    c = make_client(oxkair_max_body_bytes=1000)
    r = c.post("/auth/token", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["status"] == 413

    def chunks():  # no Content-Length: counted while streamed
        for _ in range(10):
            yield b"y" * 500

    r = c.post("/auth/token", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def _error(sqlstate: str, cls: type[psycopg.Error] = psycopg.Error) -> psycopg.Error:
    exc = cls("boom")
    exc.sqlstate = sqlstate  # type: ignore[misc]
    return exc


def test_database_errors_map_to_client_statuses() -> None:
    assert _database_problem(_error("23505")).status_code == 409
    assert _database_problem(_error("23503")).status_code == 422
    assert _database_problem(_error("23514")).status_code == 422
    assert _database_problem(_error("42501")).status_code == 403
    assert _database_problem(_error("22P02")).status_code == 422
    assert _database_problem(_error("OX409")).status_code == 409
    assert _database_problem(_error("XX000")).status_code == 500
    body = _database_problem(_error("23505")).body
    assert b"boom" not in body


def test_routes_act_as_the_verified_user_in_one_scope_statement(
    api_pool: Any, api_settings: Settings, make_account: Callable[..., Account]
) -> None:
    """`Db` (set_config('role', …) with the claims and address in one statement) is the same
    RLS scope as SET LOCAL ROLE."""
    router = APIRouter()

    @router.get("/whoami")
    def whoami(db: Db) -> dict[str, Any]:
        with db.transaction() as conn:
            row = conn.execute(
                "SELECT auth.uid()::text, current_user::text, current_setting('request.client_addr')"
            ).fetchone()
        assert row
        return {"uid": row[0], "role": row[1], "addr": row[2]}

    app = create_app(api_settings, pool=api_pool)
    app.include_router(router)
    with TestClient(app, client=("10.251.0.9", 1)) as c:
        account = make_account(via=c)
        assert c.get("/whoami", headers=account.auth).json() == {
            "uid": account.id, "role": "oxkair_authenticated", "addr": "10.251.0.9"
        }
        assert c.get("/whoami").status_code == 401
