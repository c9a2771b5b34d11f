"""164.312(b) Audit controls and 164.312(c)(1) integrity: pgaudit, the generated audit triggers, who
may write the trail, its hash chain."""

from __future__ import annotations

from oxkair.compliance.base import Checker
from oxkair.compliance.model import (
    ACCESS,
    AUDIT,
    AUDITED_TABLES,
    INTEGRITY,
    PHI_TABLES,
)


class AuditChecks(Checker):
    def pgaudit(self) -> None:
        log, role = self.setting("pgaudit.log"), self.setting("pgaudit.role")
        preload = self.setting("shared_preload_libraries")
        ext = self.rows("pgaudit_extension")
        loaded = log is not None or (preload is not None and "pgaudit" in preload)
        self.add("pgaudit.loaded", AUDIT, "pgaudit is loaded", "pass" if loaded else "fail",
                 f"pgaudit GUCs {'defined' if log is not None else 'absent'}; "
                 f"shared_preload_libraries={preload if preload is not None else '(not readable)'}; "
                 f"extension {'v' + str(ext[0][0]) if ext else 'not created'}")
        if not loaded:
            self.add("pgaudit.configured", AUDIT, "pgaudit logs DDL, role changes and PHI writes", "fail",
                     "pgaudit is not loaded")
            return
        classes = {c.strip().lower() for c in (log or "").split(",")}
        missing = [c for c in ("ddl", "role") if c not in classes and "all" not in classes]
        session_writes = bool({"write", "all"} & classes)  # Azure's Terraform: write, ddl, role
        grants = self.rows("pgaudit_role_grants", {"role": role or "", "tables": PHI_TABLES}) if role else []
        uncovered = [str(t) for t, audited in grants if not audited]
        problems = []
        if missing:
            problems.append(f"pgaudit.log lacks {', '.join(missing)}")
        if not session_writes:
            # Without session auditing of writes, object auditing must cover every PHI table.
            if not role:
                problems.append("neither pgaudit.log 'write' nor pgaudit.role audits PHI writes")
            elif uncovered or not grants:
                problems.append(f"pgaudit.role {role} does not cover "
                                f"{', '.join(uncovered) or 'the PHI tables'}")
        if self.setting("pgaudit.log_parameter") == "on":
            problems.append("pgaudit.log_parameter=on writes PHI into the server log")
        writes = ("every write (session audit)" if session_writes else
                  f"PHI writes through pgaudit.role={role} ({len(grants)} tables)")
        self.add("pgaudit.configured", AUDIT, "pgaudit logs DDL, role changes and PHI writes",
                 "fail" if problems else "pass",
                 "; ".join(problems) if problems else
                 f"pgaudit.log={log}; {writes}; log_parameter={self.setting('pgaudit.log_parameter')}")

    def audit_triggers(self) -> None:
        rows = self.rows("audit_triggers", {"tables": AUDITED_TABLES})
        found = {str(t) for t, _, _ in rows}
        missing = [str(t) for t, present, _ in rows if not present] + \
                  [t for t in AUDITED_TABLES if t not in found]
        stale = [f"{t} (columns not compared: {', '.join(uncovered)})" for t, present, uncovered in rows
                 if present and uncovered]
        problems = ([("missing or disabled: " + ", ".join(missing))] if missing else []) + \
                   ([("trigger older than the table: " + "; ".join(stale) + " -- run `oxkair db upgrade`")]
                    if stale else [])
        self.add("audit.triggers", AUDIT, "Audit trigger on every PHI table (insert, update, delete)",
                 "fail" if problems else "pass",
                 "; ".join(problems) if problems else
                 "row-change audit triggers enabled and covering every column on "
                 + ", ".join(AUDITED_TABLES))

    def _none_executable(self, id: str, safeguard: str, title: str, query: str, none_text: str) -> None:
        """A control that passes when no role the API acts as can execute the functions `query` finds."""
        rows = self.rows(query, {"api_roles": self.api_roles()})
        self.add(id, safeguard, title, "fail" if rows else "pass",
                 ("executable: " + "; ".join(f"{r} -> {f}" for r, f in rows)) if rows else
                 f"{', '.join(self.api_roles())}: {none_text}")

    def audit_writers(self) -> None:
        self._none_executable("audit.writers", AUDIT,
                              "No role the API acts as can write an audit entry of its choosing",
                              "audit_writers", "no audit writer; entries come from triggers and "
                              "fixed-purpose functions only")

    def outbox(self) -> None:
        self._none_executable("auth.outbox", ACCESS, "The API's roles cannot read queued emails (live links)",
                              "outbox_functions", "no function that reads or changes auth.outbox; only "
                              "`oxkair outbox` (oxkair_owner) does")

    def audit_chain(self) -> None:
        # As oxkair_auditor (the admin is a member), in a savepoint of whatever is open.
        with self.conn.transaction():
            # On an error the savepoint's rollback undoes the SET ROLE too.
            self.conn.execute("SET ROLE oxkair_auditor")
            row = self.conn.execute("SELECT count(*) FROM audit.log").fetchone()
            count = int(row[0]) if row else 0
            problems = [(int(lane), int(seq), str(p)) for lane, seq, p in
                        self.conn.execute("SELECT lane, seq, problem FROM audit.verify_chain()")]
            self.conn.execute("RESET ROLE")
        self.add("audit.chain", INTEGRITY, "Audit trail hash chain intact", "fail" if problems else "pass",
                 (f"{len(problems)} problems in {count} entries, first: lane {problems[0][0]} "
                  f"seq {problems[0][1]}: {problems[0][2]}") if problems else
                 f"{count} entries verified by audit.verify_chain()")
