"""What `oxkair check` reports: the safeguards (HIPAA 164.312 and the backup plan), each control's
status and evidence, and the lists of tables and roles the controls are about."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Status = Literal["pass", "fail", "unknown"]

ACCESS = "164.312(a)(1) Access control"
LOGOFF = "164.312(a)(2)(iii) Automatic logoff"
AT_REST = "164.312(a)(2)(iv) Encryption and decryption"
AUDIT = "164.312(b) Audit controls"
INTEGRITY = "164.312(c)(1) Integrity"
AUTHN = "164.312(d) Person or entity authentication"
TRANSMISSION = "164.312(e)(1) Transmission security"
BACKUP = "164.308(a)(7)(ii)(A) Data backup plan / 164.316(b)(2)(i) retention"
SAFEGUARDS = (ACCESS, LOGOFF, AT_REST, AUDIT, INTEGRITY, AUTHN, TRANSMISSION, BACKUP)

# Tables holding PHI or identities: each must carry the audit trigger and pgaudit's coverage.
PHI_TABLES = ["auth.users", "public.profiles", "public.user_settings", "public.medical_notes"]
AUDITED_TABLES = [*PHI_TABLES, "public.institutions"]
# Reference data that holds no user data: RLS on, not forced (0007_baseline_row_level_security.sql).
REFERENCE_TABLES = {"public.institutions"}
API_ROLES = ["oxkair_api", "oxkair_anon", "oxkair_authenticated"]
# Privileged roles that exist by construction: the bootstrap superuser (oid 10; the embedded
# server's `postgres`, reachable only over its private unix socket), Azure's own `azuresu`, and
# `azure_pg_admin` (Azure's administrators' group; on PostgreSQL <= 15 it carries BYPASSRLS).
EXPECTED_PRIVILEGED = {"azuresu", "azure_pg_admin"}
TLS_VERSIONS = {"TLSv1": 1.0, "TLSv1.1": 1.1, "TLSv1.2": 1.2, "TLSv1.3": 1.3}
MAX_IDLE_SECONDS = 30 * 60
MAX_ACCESS_TOKEN_SECONDS = 60 * 60
OWASP_ARGON2_MIN_KIB, OWASP_ARGON2_MIN_T = 19_456, 2


@dataclass(frozen=True)
class Control:
    id: str
    safeguard: str
    title: str
    status: Status
    evidence: str


@dataclass
class Report:
    server: str
    controls: list[Control]

    @property
    def failed(self) -> bool:
        return any(c.status == "fail" for c in self.controls)

    def summary(self) -> dict[str, int]:
        return {s: sum(c.status == s for c in self.controls) for s in ("pass", "fail", "unknown")}

    def as_dict(self) -> dict[str, Any]:
        groups = []
        for safeguard in dict.fromkeys(c.safeguard for c in self.controls):
            statuses = {c.status for c in self.controls if c.safeguard == safeguard}
            worst = next(s for s in ("fail", "unknown", "pass") if s in statuses)
            groups.append({"safeguard": safeguard, "status": worst,
                           "controls": [c.id for c in self.controls if c.safeguard == safeguard]})
        return {"server": self.server, "summary": self.summary(), "safeguards": groups,
                "controls": [asdict(c) for c in self.controls]}
