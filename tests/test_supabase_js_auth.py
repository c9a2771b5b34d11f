"""The real supabase-js (pinned by tests/supabase_js/package-lock.json) against /auth/v1 on a live
uvicorn: a user's day of supabase.auth calls, then what the database recorded of it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from oxkair.auth.anon_key import issue_anon_key
from oxkair.auth.keys import KeyStore
from oxkair.config import Settings
from tests.fixtures.api import PASSWORD, audit_actions, outbox_token, unique_email

HERE = Path(__file__).resolve().parent / "supabase_js"
NODE = shutil.which("node")


def run_node(script: str, env: dict[str, str]) -> list[dict[str, Any]]:
    if not (HERE / "node_modules" / "@supabase" / "supabase-js").is_dir():
        pytest.fail("supabase-js is not installed: run scripts/setup.sh --dev (npm ci in tests/supabase_js)")
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(HERE / script)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HERE,
    )
    assert done.returncode == 0, f"{script}: {done.stderr[-2000:]}\n{done.stdout[-2000:]}"
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@pytest.mark.skipif(NODE is None, reason="node is not installed (scripts/setup.sh --dev installs it)")
def test_a_users_day_through_supabase_js(
    live_url: str, api_settings: Settings, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email("sbjs")
    anon = issue_anon_key(KeyStore.from_settings(api_settings), api_settings.oxkair_jwt_issuer)
    env = {
        "SUPABASE_URL": live_url,
        "SUPABASE_ANON_KEY": anon,
        "EMAIL": email,
        "PASSWORD": PASSWORD,
        "INSTITUTION_ID": institution_id,
        "USER_CATEGORY": "Medical Coder",
    }
    assert [s["step"] for s in run_node("signup.mjs", env)] == ["signUp"]
    steps = run_node("auth_day.mjs", {**env, "VERIFY_TOKEN": outbox_token(superuser, email)})
    by_name = {s["step"]: s for s in steps}
    assert list(by_name) == [
        "verifyOtp",
        "signInWithPassword",
        "getUser",
        "getClaims",
        "updateUser",
        "refreshSession",
        "refreshSession reuse refused",
        "mfa enroll/challenge/verify",
        "mfa sign-in",
        "signOut",
    ]
    assert by_name["getUser"]["institution_id"] == institution_id
    assert by_name["mfa sign-in"]["aal"] == "aal2"

    # What the database made of it: the same rows and audit trail as the /auth API writes.
    user_id = by_name["signInWithPassword"]["user_id"]
    row = superuser.execute(
        "SELECT p.first_name, p.verification_status, f.verified_at IS NOT NULL,"
        " u.email_confirmed_at IS NOT NULL"
        " FROM auth.users u JOIN public.profiles p ON p.id = u.id"
        " LEFT JOIN auth.mfa_factors f ON f.user_id = u.id WHERE u.id = %s",
        [user_id],
    ).fetchone()
    assert row == ("Augusta", "verified", True, True)
    actions = audit_actions(superuser, user_id)
    for expected in ("AUTH_LOGIN", "AUTH_REFRESH", "AUTH_REFRESH_REUSE", "AUTH_MFA_ENROLLED", "AUTH_LOGOUT"):
        assert expected in actions, expected
    live = superuser.execute(
        "SELECT count(*) FROM auth.sessions WHERE user_id = %s AND revoked_at IS NULL", [user_id]
    ).fetchone()
    assert live == (0,)  # the global sign-out ended every session


@pytest.mark.skipif(NODE is None, reason="node is not installed (scripts/setup.sh --dev installs it)")
def test_ssr_cookie_and_email_change(
    live_url: str, api_settings: Settings, superuser: psycopg.Connection[Any], institution_id: str
) -> None:
    email = unique_email("ssr")
    env = {
        "SUPABASE_URL": live_url,
        "SUPABASE_ANON_KEY": issue_anon_key(
            KeyStore.from_settings(api_settings), api_settings.oxkair_jwt_issuer
        ),
        "EMAIL": email,
        "PASSWORD": PASSWORD,
        "INSTITUTION_ID": institution_id,
        "USER_CATEGORY": "Provider",
    }
    run_node("signup.mjs", env)
    verified = httpx.post(
        f"{live_url}/auth/v1/verify",
        headers={"apikey": env["SUPABASE_ANON_KEY"]},
        json={"type": "signup", "token_hash": outbox_token(superuser, email)},
    )
    assert verified.status_code == 200, verified.text
    (result,) = run_node("ssr_cookie.mjs", env)
    assert result["cookies"] and all(n.startswith("sb-oxkair-auth-token") for n in result["cookies"])

    # Then the same account moves to a new address: updateUser({ email }), the link, verifyOtp.
    moved = {**env, "NEW_EMAIL": unique_email("moved")}
    assert run_node("email_change.mjs", moved)[0]["new_email"] == moved["NEW_EMAIL"]
    token = outbox_token(superuser, moved["NEW_EMAIL"])
    assert run_node("email_change.mjs", {**moved, "CONFIRM_TOKEN": token})[0]["email"] == moved["NEW_EMAIL"]
