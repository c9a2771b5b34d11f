"""Static checks of infra/azure: formatting, and the HIPAA-critical settings in the .tf text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

INFRA = Path(__file__).resolve().parents[1] / "infra" / "azure"


def _tf_text() -> str:
    files = sorted(INFRA.glob("*.tf"))
    assert files, f"no .tf files under {INFRA}"
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def _strip_comments(text: str) -> str:
    """Drop # and // comments so a setting that is only mentioned in a comment does not count."""
    out = []
    for line in text.splitlines():
        # Good enough for these files: no '#' or '//' inside the strings we look at.
        line = re.sub(r"\s(#|//).*$", "", line)
        if re.match(r"^\s*(#|//)", line):
            continue
        out.append(line)
    return "\n".join(out)


def _block(text: str, header_regex: str) -> str:
    """Text of the first block whose header matches, braces balanced."""
    m = re.search(header_regex, text)
    assert m, f"block not found: {header_regex}"
    start = text.index("{", m.start())
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[m.start() : i + 1]
    raise AssertionError(f"unbalanced block: {header_regex}")


def _variable(text: str, name: str) -> str:
    return _block(text, rf'variable\s+"{re.escape(name)}"\s*\{{')


def _server_parameter(text: str, pg_name: str) -> str:
    """Value expression of the server parameter resource whose `name` is pg_name."""
    for m in re.finditer(
        r'resource\s+"azurerm_postgresql_flexible_server_configuration"\s+"\w+"', text
    ):
        body = _block(text[m.start() :], r"resource")
        if re.search(rf'^\s*name\s*=\s*"{re.escape(pg_name)}"\s*$', body, re.M):
            value = re.search(r"^\s*value\s*=\s*(.+?)\s*$", body, re.M)
            assert value, f"{pg_name}: no value"
            return value.group(1)
    raise AssertionError(f"server parameter {pg_name} is not set")


def _default(text: str, name: str) -> str:
    m = re.search(r"^\s*default\s*=\s*(.+?)\s*$", _variable(text, name), re.M)
    assert m, f"variable {name} has no default"
    return m.group(1)


@pytest.fixture(scope="module")
def tf() -> str:
    return _strip_comments(_tf_text())


def test_terraform_fmt_check() -> None:
    terraform = shutil.which("terraform") or (
        "/usr/local/bin/terraform" if Path("/usr/local/bin/terraform").exists() else None
    )
    if terraform is None:
        pytest.skip("terraform binary not found on PATH or at /usr/local/bin/terraform")
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1")
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", str(INFRA)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"terraform fmt -check failed:\n{result.stdout}{result.stderr}"


def test_required_files_present() -> None:
    for name in (
        "versions.tf",
        "variables.tf",
        "main.tf",
        "network.tf",
        "postgres.tf",
        "backup.tf",
        "monitoring.tf",
        "outputs.tf",
        "terraform.tfvars.example",
    ):
        assert (INFRA / name).is_file(), f"infra/azure/{name} is missing"


def test_azurerm_provider_is_4x(tf: str) -> None:
    assert re.search(r'source\s*=\s*"hashicorp/azurerm"', tf)
    assert re.search(r'version\s*=\s*"~>\s*4\.\d+"', tf)


def test_every_variable_has_description_and_type(tf: str) -> None:
    names = re.findall(r'^variable\s+"(\w+)"', tf, re.M)
    assert names
    for name in names:
        body = _variable(tf, name)
        assert re.search(r"^\s*description\s*=", body, re.M), f"variable {name}: no description"
        assert re.search(r"^\s*type\s*=", body, re.M), f"variable {name}: no type"


def test_tls_is_required(tf: str) -> None:
    assert _server_parameter(tf, "require_secure_transport") == '"on"'
    value = _server_parameter(tf, "ssl_min_protocol_version")
    if value.startswith("var."):
        variable = value.removeprefix("var.")
        assert _default(tf, variable) in ('"TLSv1.2"', '"TLSv1.3"')
        body = _variable(tf, variable)
        allowed = re.search(r"contains\(\[([^\]]*)\]", body)
        assert allowed, "ssl_min_protocol_version variable is not validated"
        assert set(re.findall(r'"([^"]+)"', allowed.group(1))) <= {"TLSv1.2", "TLSv1.3"}
    else:
        assert value in ('"TLSv1.2"', '"TLSv1.3"')


def test_pgaudit_is_preloaded_and_logs_without_parameters(tf: str) -> None:
    value = _server_parameter(tf, "shared_preload_libraries")
    if "var." in value:
        variable = re.search(r"var\.(\w+)", value)
        assert variable
        body = _variable(tf, variable.group(1))
        assert '"pgaudit"' in _default(tf, variable.group(1))
        assert re.search(r'contains\(var\.\w+,\s*"pgaudit"\)', body), "pgaudit not enforced"
    else:
        assert "pgaudit" in value
    assert "PGAUDIT" in _default(tf, "allowed_extensions")
    assert _server_parameter(tf, "pgaudit.log_parameter") == '"off"'
    for name in ("log_connections", "log_disconnections", "connection_throttle.enable"):
        assert _server_parameter(tf, name) == '"on"', name
    assert _server_parameter(tf, "azure.extensions")


def test_server_backups_and_authentication(tf: str) -> None:
    server = _block(tf, r'resource\s+"azurerm_postgresql_flexible_server"\s+"\w+"\s*\{')
    assert re.search(r"^\s*backup_retention_days\s*=\s*35\s*$", server, re.M)
    assert re.search(r"^\s*geo_redundant_backup_enabled\s*=\s*true\s*$", server, re.M)
    assert re.search(r"^\s*active_directory_auth_enabled\s*=\s*true\s*$", server, re.M)
    assert "prevent_destroy = true" in server
    assert re.search(
        r'resource\s+"azurerm_postgresql_flexible_server_active_directory_administrator"', tf
    )
    assert "thomas@edouardoxkair.onmicrosoft.com" in _default(tf, "entra_admin_principal_name")


def test_public_access_never_opens_the_whole_internet(tf: str) -> None:
    code = re.sub(r"^\s*(description|error_message)\s*=.*$", "", tf, flags=re.M)
    assert "0.0.0.0/0" not in code
    assert not re.search(r'start_ip_address\s*=\s*"0\.0\.0\.0"', tf)
    assert not re.search(r'end_ip_address\s*=\s*"255\.255\.255\.255"', tf)
    body = _variable(tf, "allowed_cidrs")
    assert body.count("validation") >= 2


def test_yearly_backup_retention_is_at_least_six_years(tf: str) -> None:
    default = _default(tf, "backup_yearly_retention")
    m = re.fullmatch(r'"P(\d+)Y"', default)
    assert m and int(m.group(1)) >= 6, f"yearly retention default {default} is under P6Y"
    body = _variable(tf, "backup_yearly_retention")
    assert re.search(r">=\s*6\b", body), "backup_yearly_retention has no >= 6 years validation"
    policy = _block(
        tf,
        r'resource\s+"azurerm_data_protection_backup_policy_postgresql_flexible_server"\s+"\w+"\s*\{',
    )
    assert "var.backup_yearly_retention" in policy
    assert '"FirstOfYear"' in policy and '"FirstOfMonth"' in policy
    assert "P1W" in policy
    vault = _block(tf, r'resource\s+"azurerm_data_protection_backup_vault"\s+"\w+"\s*\{')
    assert '"GeoRedundant"' in vault
    assert "PostgreSQL Flexible Server Long Term Retention Backup Role" in tf
    assert re.search(
        r'resource\s+"azurerm_data_protection_backup_instance_postgresql_flexible_server"', tf
    )


def test_logs_reach_log_analytics(tf: str) -> None:
    diag = _block(tf, r'resource\s+"azurerm_monitor_diagnostic_setting"\s+"\w+"\s*\{')
    assert "log_analytics_workspace_id" in diag
    assert '"PostgreSQLLogs"' in diag


def test_application_database_is_not_postgres(tf: str) -> None:
    # Azure's vault backups skip the built-in postgres database.
    assert _default(tf, "database_name") != '"postgres"'
    assert '"postgres"' in _variable(tf, "database_name")
