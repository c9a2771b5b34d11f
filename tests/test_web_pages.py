"""The pages as the server renders them: every page answers, with labels, no inline script, strict CSP."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

PAGES = ["/signup", "/login", "/verify-email", "/recover", "/reset-password", "/app/worklist",
         "/app/settings", "/app/members", "/app/audit", "/app/cases/00000000-0000-4000-8000-000000000000"]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_accessibly(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="en"' in html and "<main" in html
    assert "script-src" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert not re.search(r"\son[a-z]+=", html) and "style=" not in html  # CSP 'self' holds
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{field_id}"' in html or re.search(
            rf'<label>\s*<input[^>]*id="{field_id}"', html), f"{path}: #{field_id} has no label"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_static_files_and_nothing_else(client: TestClient) -> None:
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.css").status_code == 200
    for bad in ("/static/../routes.py", "/static/routes.py", "/static/nope.js",
                "/static/%2e%2e%2f__init__.py"):
        assert client.get(bad).status_code == 404, bad


def test_pages_are_not_in_the_api_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/signup" not in paths and "/static/{name}" not in paths
    assert {"/cases", "/cases/{case_id}", "/cases/{case_id}/transition", "/providers", "/me/profile",
            "/me/settings", "/institutions/search", "/institutions/suggest"} <= set(paths)


def test_root_goes_to_the_worklist(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/app/worklist"



BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize("path", ["/nope", "/app/nope", "/app/cases/not-a-uuid", "/app/cases/123"])
def test_unknown_pages_give_browsers_a_page_with_a_way_back(client: TestClient, path: str) -> None:
    r = client.get(path, headers=BROWSER)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Page not found" in r.text and 'href="/app/worklist"' in r.text and 'href="/login"' in r.text
    assert "{" not in r.text.split("<main", 1)[1]  # no JSON on the page


@pytest.mark.parametrize("path", ["/nope", "/cases/not-a-uuid",
                                  "/cases/00000000-0000-4000-8000-000000000000"])
def test_api_clients_still_get_problem_details(client: TestClient, path: str) -> None:
    r = client.get(path, headers={"Accept": "application/json"})
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.status_code in (401, 404, 422) and r.json()["status"] == r.status_code
    r = client.get(path)  # no Accept at all (curl, httpx)
    assert r.headers["content-type"].startswith("application/problem+json")


def test_header_links_come_from_one_list(client: TestClient) -> None:
    from oxkair.web.routes import NAV

    html = client.get("/app/settings").text
    for link in NAV:
        assert f'href="{link.href}"' in html
    assert 'href="/app/settings" aria-current="page"' in html
