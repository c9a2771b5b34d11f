"""164.312(a)(1) Access control: forced row-level security, no privilege to PUBLIC, the API's roles,
verified membership, the outbox's readers, privileged roles."""

from __future__ import annotations

from oxkair.compliance.base import Checker
from oxkair.compliance.model import (
    ACCESS,
    EXPECTED_PRIVILEGED,
    REFERENCE_TABLES,
)


class AccessChecks(Checker):
    def rls(self) -> None:
        tables = self.rows("user_tables")
        bad = []
        for name, enabled, forced in tables:
            if not enabled or (not forced and name not in REFERENCE_TABLES):
                bad.append(f"{name} (rls={'on' if enabled else 'off'}, forced={'yes' if forced else 'no'})")
        self.add("rls.forced", ACCESS, "Row-level security enabled and forced on every user-data table",
                 "fail" if bad else "pass",
                 ("not protected: " + ", ".join(bad)) if bad else
                 f"{len(tables)} tables; forced on all but reference data "
                 f"({', '.join(sorted(REFERENCE_TABLES))})")

    def public_grants(self) -> None:
        grants = self.rows("public_grants")
        self.add("privileges.public", ACCESS, "No privilege granted to PUBLIC",
                 "fail" if grants else "pass",
                 ("PUBLIC holds: " + "; ".join(f"{o}: {p}" for o, p in grants[:10])
                  + (f" (+{len(grants) - 10} more)" if len(grants) > 10 else ""))
                 if grants else "database, schemas, tables, sequences and functions: none for PUBLIC")

    def api_owns_nothing(self) -> None:
        owned = self.rows("owned_by_api", {"api_roles": self.api_roles()})
        self.add("api.owns_nothing", ACCESS, "The API roles own no object (owners pass RLS)",
                 "fail" if owned else "pass",
                 "; ".join(f"{r} owns {n} objects, e.g. {e}" for r, n, e in owned)
                 if owned else
                 f"{', '.join(self.api_roles())}: no database, schema, table, function or type")

    def api_no_bypass(self) -> None:
        powers = self.rows("api_powers", {"api_roles": self.api_roles()})
        problems = []
        for role, via, superuser, bypass, createrole, createdb in powers:
            what = [w for w, on in (("SUPERUSER", superuser), ("BYPASSRLS", bypass),
                                    ("CREATEROLE", createrole), ("CREATEDB", createdb)) if on]
            problems.append(f"{role} -> {via}" + (f" ({', '.join(what)})" if what else ""))
        self.add("api.no_bypass", ACCESS, "The API roles cannot bypass RLS or become a privileged role",
                 "fail" if problems else "pass",
                 ("reachable: " + "; ".join(problems)) if problems else
                 "no SUPERUSER/BYPASSRLS/CREATEROLE and no membership in owner, definer, backup, "
                 "migrator, auditor, break-glass or pg_read_all_data")

    def membership(self) -> None:
        unguarded = [str(r[0]) for r in self.rows("membership_rules")]
        self.add("access.membership", ACCESS,
                 "Only verified members of an institution reach its cases and providers",
                 "fail" if unguarded else "pass",
                 ("not requiring verified membership: " + "; ".join(unguarded)) if unguarded else
                 "every end-user policy of public.medical_notes, the providers list and both case-"
                 "invariant checks require verification_status = 'verified'")

    def privileged_roles(self) -> None:
        rows = self.rows("privileged_roles")
        allowed = EXPECTED_PRIVILEGED | set(self.settings.oxkair_check_expected_privileged_roles)
        unexpected = [f"{name} ({' '.join(w for w, on in (('SUPERUSER', su), ('BYPASSRLS', by)) if on)})"
                      for name, boot, su, by, _login in rows if not boot and name not in allowed]
        expected = [name for name, boot, *_ in rows if boot or name in allowed]
        self.add("roles.privileged", ACCESS, "No unexpected SUPERUSER or BYPASSRLS role",
                 "fail" if unexpected else "pass",
                 ("unexpected: " + ", ".join(unexpected)) if unexpected else
                 f"only the expected: {', '.join(expected) or 'none'}")

    def backup_members(self) -> None:
        members = [str(r[0]) for r in self.rows("backup_members")]
        api = set(self.api_roles()) | {"oxkair_migrator", "oxkair_auditor"}
        bad = [m for m in members if m in api]
        self.add("roles.backup_reader", ACCESS, "Only administrators hold oxkair_backup (reads every row)",
                 "fail" if bad else "pass",
                 f"members: {', '.join(members) or 'none'}"
                 + (f"; must not be: {', '.join(bad)}" if bad else ""))
