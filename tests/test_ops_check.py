"""`oxkair check`: each control passes on the embedded server, and each break is caught.

Breaks happen inside the `su` fixture's transaction (rolled back), so the shared server is never
left broken; server-wide settings (TLS, pgaudit) are broken on a second, throwaway server.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from oxkair.compliance import SAFEGUARDS, Report, run_checks
from oxkair.config import Settings
from oxkair.local import LocalServer
from tests.fixtures.data import make_institution

ALWAYS_UNKNOWN = {"storage.encryption"}  # not visible over SQL on any server


def _status(report: Report) -> dict[str, str]:
    return {c.id: c.status for c in report.controls}


def _evidence(report: Report, control: str) -> str:
    return next(c.evidence for c in report.controls if c.id == control)


@pytest.fixture()
def healthy(server: LocalServer, backup_settings: Settings) -> Report:
    with psycopg.connect(**server.conninfo("oxkair_admin"), autocommit=True) as conn:
        return run_checks(conn, backup_settings, server.conninfo("oxkair_admin"))


def test_every_control_passes_on_the_embedded_server(healthy: Report) -> None:
    status = _status(healthy)
    failing = {k: _evidence(healthy, k) for k, v in status.items() if v != "pass" and k not in ALWAYS_UNKNOWN}
    assert failing == {}
    assert {c.safeguard for c in healthy.controls} <= set(SAFEGUARDS)
    assert not healthy.failed


def _check(conn: psycopg.Connection[Any], settings: Settings) -> dict[str, str]:
    return _status(run_checks(conn, settings))


@pytest.mark.parametrize(("control", "statements"), [
    ("rls.forced", ["ALTER TABLE public.medical_notes NO FORCE ROW LEVEL SECURITY"]),
    ("rls.forced", ["ALTER TABLE auth.users DISABLE ROW LEVEL SECURITY"]),
    ("privileges.public", ["GRANT SELECT ON public.institutions TO PUBLIC"]),
    ("privileges.public", ["GRANT EXECUTE ON FUNCTION audit.verify_chain() TO PUBLIC"]),
    ("privileges.public", ["GRANT USAGE ON SCHEMA audit TO PUBLIC"]),
    ("api.owns_nothing", ["CREATE TABLE app.ops_check_owned (id int)",
                          "ALTER TABLE app.ops_check_owned OWNER TO oxkair_authenticated"]),
    ("api.no_bypass", ["ALTER ROLE oxkair_authenticated BYPASSRLS"]),
    ("api.no_bypass", ["GRANT oxkair_owner TO oxkair_api"]),
    ("roles.privileged", ["CREATE ROLE ops_check_rogue BYPASSRLS"]),
    ("roles.privileged", ["CREATE ROLE ops_check_root SUPERUSER"]),
    ("roles.backup_reader", ["GRANT oxkair_backup TO oxkair_api"]),
    ("pgaudit.configured", ["SET LOCAL pgaudit.log = 'none'"]),
    ("pgaudit.configured", ["SET LOCAL pgaudit.log_parameter = on"]),
    ("pgaudit.configured", ["REVOKE INSERT, UPDATE, DELETE ON public.medical_notes FROM oxkair_pgaudit"]),
    ("audit.triggers", ["ALTER TABLE public.medical_notes DISABLE TRIGGER tg_medical_notes__audit"]),
    ("audit.triggers", ["DROP TRIGGER tg_users__audit ON auth.users"]),
    ("audit.triggers", ["CREATE OR REPLACE TRIGGER tg_profiles__audit AFTER INSERT OR UPDATE OR DELETE"
                        " ON public.profiles FOR EACH ROW WHEN (false)"
                        " EXECUTE FUNCTION audit.tg_public_profiles__row_change()"]),
    ("audit.triggers", ["CREATE OR REPLACE TRIGGER tg_institutions__audit AFTER INSERT OR DELETE"
                        " ON public.institutions FOR EACH ROW"
                        " EXECUTE FUNCTION audit.tg_public_institutions__row_change()"]),
    ("db.password_encryption", ["SET LOCAL password_encryption = 'md5'"]),
    ("audit.writers", ["GRANT EXECUTE ON FUNCTION audit.append(text, text, text, jsonb, jsonb, jsonb)"
                       " TO oxkair_anon"]),
    ("audit.writers", ["GRANT EXECUTE ON FUNCTION auth.log_event(text, uuid, jsonb)"
                       " TO oxkair_authenticated"]),
    ("audit.writers", ["GRANT EXECUTE ON FUNCTION audit.log_migration(text, text, jsonb) TO oxkair_api"]),
    ("auth.outbox", ["GRANT EXECUTE ON FUNCTION auth.outbox_pending(integer) TO oxkair_anon"]),
    ("auth.outbox", ["GRANT EXECUTE ON FUNCTION auth.outbox_mark(bigint, text) TO oxkair_api"]),
    ("access.membership", ['ALTER POLICY "Verified members read the cases they created or are assigned"'
                           " ON public.medical_notes USING (user_id = (SELECT auth.uid()))"]),
    ("access.membership", ['CREATE POLICY "Everyone reads" ON public.medical_notes FOR SELECT'
                           " TO oxkair_authenticated USING (true)"]),
    ("access.membership", ["CREATE OR REPLACE FUNCTION public.institution_providers()"
                           " RETURNS TABLE (id uuid, name text, user_category text) LANGUAGE sql"
                           " SECURITY DEFINER SET search_path = '' AS"
                           " $$ SELECT p.id, p.name, p.user_category FROM public.profiles p $$"]),
    ("backup.readable", ['DROP POLICY "Backups read every row" ON public.profiles']),
    ("backup.readable", ["REVOKE SELECT ON auth.users FROM oxkair_backup"]),
])
def test_each_break_is_caught(su: psycopg.Connection[Any], backup_settings: Settings, control: str,
                              statements: list[str]) -> None:
    assert _check(su, backup_settings)[control] == "pass"
    for statement in statements:
        su.execute(statement)
    assert _check(su, backup_settings)[control] == "fail"


def test_a_column_the_audit_trigger_does_not_compare_is_caught(su: psycopg.Connection[Any],
                                                               backup_settings: Settings) -> None:
    """A column added outside `oxkair db upgrade` (no regenerated trigger) would go unaudited."""
    su.execute("ALTER TABLE public.medical_notes ADD COLUMN coder_remarks text")
    report = run_checks(su, backup_settings)
    assert _status(report)["audit.triggers"] == "fail"
    assert "coder_remarks" in _evidence(report, "audit.triggers")
    su.execute("SELECT audit.install_row_change_trigger('public.medical_notes')")
    assert _check(su, backup_settings)["audit.triggers"] == "pass"


def test_session_audit_of_writes_replaces_object_audit(su: psycopg.Connection[Any],
                                                       backup_settings: Settings) -> None:
    """Azure's Terraform sets pgaudit.log = write, ddl, role and no pgaudit.role."""
    su.execute("SET LOCAL pgaudit.role = ''")
    assert _check(su, backup_settings)["pgaudit.configured"] == "fail"
    su.execute("SET LOCAL pgaudit.log = 'write, ddl, role'")
    assert _check(su, backup_settings)["pgaudit.configured"] == "pass"


def test_a_tampered_audit_trail_is_caught(su: psycopg.Connection[Any], backup_settings: Settings) -> None:
    make_institution(su, name="Audited Institution")  # one audit entry, in this transaction
    assert _check(su, backup_settings)["audit.chain"] == "pass"
    su.execute("ALTER TABLE audit.log DISABLE TRIGGER tg_log__append_only")
    su.execute("UPDATE audit.log SET action = 'DELETE' WHERE table_name = 'public.institutions'"
               " AND new_values ->> 'name' = 'Audited Institution'")
    report = run_checks(su, backup_settings)
    assert _status(report)["audit.chain"] == "fail"
    assert "altered" in _evidence(report, "audit.chain")


@pytest.mark.parametrize(("control", "update"), [
    ("app.idle_timeout", {"oxkair_session_idle_timeout": 8 * 3600}),
    ("app.token_lifetime", {"oxkair_access_token_ttl": 24 * 3600}),
    ("app.email_verification", {"oxkair_require_email_verification": False}),
    ("backup.retention", {"oxkair_backup_keep_monthly_years": 2}),
    ("backup.retention", {"oxkair_backup_keep_yearly_years": 5}),
])
def test_weak_settings_are_caught(su: psycopg.Connection[Any], backup_settings: Settings, control: str,
                                  update: dict[str, Any]) -> None:
    assert _check(su, backup_settings)[control] == "pass"
    assert _check(su, backup_settings.model_copy(update=update))[control] == "fail"


def test_an_expected_privileged_role_can_be_declared(su: psycopg.Connection[Any],
                                                     backup_settings: Settings) -> None:
    su.execute("CREATE ROLE ops_check_dba BYPASSRLS")
    assert _check(su, backup_settings)["roles.privileged"] == "fail"
    declared = backup_settings.model_copy(
        update={"oxkair_check_expected_privileged_roles": ["ops_check_dba"]})
    assert _check(su, declared)["roles.privileged"] == "pass"


def test_no_backup_key_is_unknown_not_pass(su: psycopg.Connection[Any], settings: Settings) -> None:
    no_key = settings.model_copy(update={"oxkair_backup_key": None})
    assert _check(su, no_key)["backup.encryption"] == "unknown"


# ───────────────────────────────────────────────── server-wide breaks, on a throwaway server
@pytest.fixture(scope="module")
def weak_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, Settings]]:
    """A second embedded server, then misconfigured: plaintext TCP, TLS 1.0, no pgaudit."""
    home = tmp_path_factory.mktemp("weak") / ".oxkair"
    server = LocalServer(home)
    server.start()
    try:
        conf = server.data_dir / "oxkair.conf"
        text = conf.read_text()
        text = text.replace("shared_preload_libraries = 'pgaudit'", "shared_preload_libraries = ''")
        conf.write_text(text)
        # Last in postgresql.conf: after the TLS policy oxkair rewrites at every start.
        with (server.data_dir / "postgresql.conf").open("a") as fh:
            fh.write("\nssl_min_protocol_version = 'TLSv1'\n")
        hba = server.data_dir / "pg_hba.conf"
        hba.write_text(hba.read_text().replace(
            "hostnossl  all  all       0.0.0.0/0     reject",
            "host       all  all       127.0.0.1/32  scram-sha-256\nhostnossl  all  all  0.0.0.0/0  reject"))
        server.stop()
        server.start()
        yield server, Settings(oxkair_home=home, _env_file=None)  # type: ignore[call-arg]
    finally:
        server.destroy()


def test_server_wide_breaks_are_caught(weak_server: tuple[LocalServer, Settings]) -> None:
    server, settings = weak_server
    params = server.conninfo("oxkair_admin")
    with psycopg.connect(**params, autocommit=True) as conn:
        report = run_checks(conn, settings, params)
    status = _status(report)
    assert status["tls.required"] == "fail", _evidence(report, "tls.required")
    assert "accept TCP without TLS" in _evidence(report, "tls.required")
    assert status["tls.min_version"] == "fail"
    assert status["pgaudit.loaded"] == "fail", _evidence(report, "pgaudit.loaded")
    assert status["pgaudit.configured"] == "fail"
    assert status["tls.this_connection"] == "pass"  # the check itself still came over TLS


def test_plaintext_connection_is_flagged(weak_server: tuple[LocalServer, Settings]) -> None:
    server, settings = weak_server
    params = {**server.conninfo("oxkair_admin"), "sslmode": "disable"}
    with psycopg.connect(**params, autocommit=True) as conn:
        assert _status(run_checks(conn, settings, params))["tls.this_connection"] == "fail"


# ───────────────────────────────────────────────── the CLI
def test_cli_check_json_and_exit_code(cli_env: dict[str, str], backup_key_text: str) -> None:
    env = {**cli_env, "OXKAIR_BACKUP_KEY": backup_key_text}
    oxkair = str(Path(".venv/bin/oxkair").resolve())
    result = subprocess.run([oxkair, "check", "--json"], capture_output=True, text=True, env=env, timeout=120)
    report = json.loads(result.stdout)
    assert result.returncode == (1 if report["summary"]["fail"] else 0), result.stderr
    assert {c["safeguard"] for c in report["controls"]} <= set(SAFEGUARDS)
    groups = {g["safeguard"]: g for g in report["safeguards"]}
    assert sum(len(g["controls"]) for g in groups.values()) == len(report["controls"])
    assert groups["164.312(e)(1) Transmission security"]["controls"][0].startswith("tls.")
    assert all(c["status"] in ("pass", "fail", "unknown") and c["evidence"] for c in report["controls"])
    table = subprocess.run([oxkair, "check"], capture_output=True, text=True, env=env, timeout=120)
    assert "164.312(e)(1) Transmission security" in table.stdout
    assert "pass," in table.stdout and table.returncode == result.returncode
    # Not a terminal (a log, CI): every piece of evidence is printed whole, nothing cut.
    for control in report["controls"]:
        assert control["evidence"] in table.stdout, control["id"]
    assert "…" not in table.stdout
