"""`oxkair serve --demo` data: about 1,000 institutions, both categories, every status; idempotent."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from oxkair.config import Settings
from oxkair.demo import DEMO_PASSWORD, load_demo
from oxkair.demo.loader import DEMO_SITES, INSTITUTIONS
from oxkair.demo.names import institutions
from oxkair.local import LocalServer
from tests.fixtures.cases import purge

pytestmark = pytest.mark.slow


def test_demo_loads_fast_once_and_signs_in(
    settings: Settings, server: LocalServer, make_client: Callable[..., TestClient]
) -> None:
    started = time.monotonic()
    first = load_demo(settings)
    elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed
    second = load_demo(settings)
    assert (second.institutions_added, second.users_added, second.cases_added) == (0, 0, 0)
    assert first.logins and {c for _, c, _ in first.logins} == {"Medical Coder", "Provider"}

    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM public.institutions").fetchone()
        assert count and count[0] >= 1000
        statuses: Any = conn.execute(
            "SELECT DISTINCT status FROM public.medical_notes m JOIN public.profiles p ON p.id = m.user_id"
            " JOIN public.institutions i ON i.id = p.institution_id WHERE i.email_domains[1] LIKE '%.example'"
        ).fetchall()
        assert {s[0] for s in statuses} >= {"INCOMPLETE", "PENDING_CODER_REVIEW",
                                            "PENDING_PROVIDER_REVIEW", "PENDING_BILLING"}
        # Demo users are verified members (their demo domain is their institution's).
        unverified = conn.execute(
            "SELECT count(*) FROM public.profiles p JOIN auth.users u ON u.id = p.id"
            " WHERE split_part(u.email, '@', 2) = ANY(%s) AND p.verification_status <> 'verified'",
            [[d for _, d in DEMO_SITES]]).fetchone()
        assert unverified == (0,)

    client = make_client()
    coder_email = next(e for e, c, _ in first.logins if c == "Medical Coder")
    r = client.post("/auth/token", json={"email": coder_email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert len(client.get("/cases", headers=auth).json()["items"]) == 8
    assert len(client.get("/providers", headers=auth).json()) == 2
    r = client.get("/institutions/suggest", params={"email": "john.doe@mayoclinic.org"})
    assert [i["name"] for i in r.json()["items"]] == ["Mayo Clinic"]

    # Leave the shared test database as it was.
    with psycopg.connect(**server.superuser_conninfo(), autocommit=True) as conn:
        users = [str(r[0]) for r in conn.execute(
            "SELECT id FROM auth.users WHERE split_part(email, '@', 2) = ANY(%s)",
            [[d for _, d in DEMO_SITES]])]
        names = [*(n for n, _ in DEMO_SITES), *(n for n, _ in institutions(INSTITUTIONS))]
        places = [str(r[0]) for r in conn.execute(
            "SELECT id FROM public.institutions WHERE name = ANY(%s)", [names])]
    purge(server, users, places)
