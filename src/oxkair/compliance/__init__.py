"""`oxkair check`: the HIPAA 164.312 technical safeguards (and the backup plan) of a live server,
each control with its evidence. One module per group of safeguards; the queries in check.sql."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg import Connection

from oxkair.compliance.access import AccessChecks
from oxkair.compliance.audit_controls import AuditChecks
from oxkair.compliance.authentication import AuthenticationChecks
from oxkair.compliance.model import (
    ACCESS,
    AT_REST,
    AUDIT,
    AUTHN,
    BACKUP,
    INTEGRITY,
    LOGOFF,
    PHI_TABLES,
    SAFEGUARDS,
    TRANSMISSION,
    Control,
    Report,
)
from oxkair.compliance.storage import StorageChecks
from oxkair.compliance.transmission import TransmissionChecks
from oxkair.config import Settings
from oxkair.db.connect import ConnParams

__all__ = ["PHI_TABLES", "SAFEGUARDS", "Control", "Report", "run_checks"]


class _AllChecks(TransmissionChecks, AccessChecks, AuditChecks, AuthenticationChecks, StorageChecks):
    def run(self) -> None:
        steps: list[tuple[str, str, str, Callable[[], None]]] = [
            ("tls.this_connection", TRANSMISSION, "This connection is encrypted", self.tls_session),
            ("tls.required", TRANSMISSION, "Every connection must use TLS", self.tls_required),
            ("tls.min_version", TRANSMISSION, "Minimum TLS version", self.tls_min_version),
            ("rls.forced", ACCESS, "Row-level security forced", self.rls),
            ("privileges.public", ACCESS, "No privilege to PUBLIC", self.public_grants),
            ("api.owns_nothing", ACCESS, "The API roles own nothing", self.api_owns_nothing),
            ("api.no_bypass", ACCESS, "The API roles cannot bypass RLS", self.api_no_bypass),
            ("access.membership", ACCESS, "Verified membership", self.membership),
            ("auth.outbox", ACCESS, "Outbox readers", self.outbox),
            ("roles.privileged", ACCESS, "No unexpected privileged role", self.privileged_roles),
            ("roles.backup_reader", ACCESS, "oxkair_backup members", self.backup_members),
            ("pgaudit.loaded", AUDIT, "pgaudit", self.pgaudit),
            ("audit.triggers", AUDIT, "Audit triggers", self.audit_triggers),
            ("audit.writers", AUDIT, "Audit writers", self.audit_writers),
            ("audit.chain", INTEGRITY, "Audit hash chain", self.audit_chain),
            ("db.password_encryption", AUTHN, "Password storage", self.password_storage),
            ("app.email_verification", AUTHN, "Email verification", self.email_verification),
            ("app.idle_timeout", LOGOFF, "Lifetimes", self.lifetimes),
            ("storage.encryption", AT_REST, "Encryption at rest", self.at_rest),
            ("backup.readable", BACKUP, "Backups", self.backups),
        ]
        for id, safeguard, title, body in steps:
            self.guarded(id, safeguard, title, body)


def run_checks(conn: Connection[Any], settings: Settings, params: ConnParams | None = None) -> Report:
    """Every control, on `conn` (its current transaction if one is open); params enable the TLS probe."""
    checker = _AllChecks(conn, settings, params)
    checker.run()
    order = {s: i for i, s in enumerate(SAFEGUARDS)}
    controls = sorted(checker.controls, key=lambda c: order.get(c.safeguard, 99))
    server = f"{params.get('host')}:{params.get('port')}/{params.get('dbname')}" if params else "connection"
    return Report(server=server, controls=controls)
