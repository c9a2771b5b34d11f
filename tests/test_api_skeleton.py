"""The application skeleton: health, security headers, problem details, body limit."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from fastapi.testclient import TestClient

from oxkair.api.problems import _database_problem


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
