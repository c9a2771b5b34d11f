"""`oxkair db upgrade / status / sql`: idempotent, honest exit codes, reviewable SQL."""

from __future__ import annotations

import re
import subprocess

from oxkair.local import LocalServer


def _oxkair(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["oxkair", *args], capture_output=True, text=True, env=env, timeout=120)


def test_upgrade_is_idempotent_and_status_is_clean(cli_env: dict[str, str], server: LocalServer) -> None:
    again = _oxkair(cli_env, "db", "upgrade")
    assert again.returncode == 0 and "up to date" in again.stdout
    status = _oxkair(cli_env, "db", "status")
    assert status.returncode == 0
    assert "0001_baseline_schemas" in status.stdout and "pending" not in status.stdout


def test_sql_is_what_a_dba_reviews(cli_env: dict[str, str]) -> None:
    result = _oxkair(cli_env, "db", "sql")
    assert result.returncode == 0
    sql = result.stdout
    assert sql.index("roles.sql") < sql.index("SET ROLE oxkair_owner") < sql.index("0001_baseline_schemas")
    assert "CREATE TABLE public.medical_notes" in sql
    # Nothing asks for powers Azure's admin does not have.
    assert not re.search(r"(CREATE|ALTER)\s+(ROLE|USER)[^;]*\b(SUPERUSER|BYPASSRLS)\b", sql, re.I)
    assert not re.search(r"\bALTER\s+SYSTEM\b|\bCREATE\s+EVENT\s+TRIGGER\b", sql, re.I)


def test_bad_connection_settings_are_one_line_errors(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "PGHOST": "127.0.0.1", "PGPORT": "1", "PGUSER": "nobody", "PGSSLMODE": "verify-full"}
    result = _oxkair(env, "db", "status")
    assert result.returncode == 1
    assert "cannot connect" in result.stderr and "Traceback" not in result.stderr
    missing_user = {**cli_env, "PGHOST": "db.example.org"}
    result = _oxkair(missing_user, "db", "status")
    assert result.returncode == 2 and "PGUSER" in result.stderr


def test_sql_lists_migrations_in_the_order_upgrade_applies_them(cli_env: dict[str, str]) -> None:
    sql = _oxkair(cli_env, "db", "sql").stdout
    files = re.findall(r"^-- ==== (\S+\.sql)", sql, re.M)
    position = {name.removesuffix(".sql"): i for i, name in enumerate(files)}
    for name, i in position.items():
        section = sql.split(f"-- ==== {name}.sql", 1)[1].split("\n-- ==== ", 1)[0]
        for dependency in re.findall(r"^-- depends:\s*(.+)$", section, re.M):
            for dep in dependency.split():
                assert position[dep] < i, f"{name} is printed before {dep}, which it depends on"
