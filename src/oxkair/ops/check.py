"""`oxkair check`: HIPAA 164.312 technical safeguards of a live server, each with its evidence."""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg import Connection

from oxkair.config import Settings
from oxkair.db.connect import ConnParams

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

_QUERIES: dict[str, str] = {}


def _non_aead_tls12_suites(ciphers: str) -> list[str] | None:
    """The TLS 1.2 suites an OpenSSL cipher string allows that are not AEAD (CBC, RC4...), as
    this machine's OpenSSL expands it (the server's is the same library); None if not valid."""
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.set_ciphers(ciphers)
    except ssl.SSLError:
        return None
    return [c["name"] for c in ctx.get_ciphers() if c["protocol"] != "TLSv1.3" and not c.get("aead")]


def _queries() -> dict[str, str]:
    if not _QUERIES:
        text = files("oxkair.ops").joinpath("check.sql").read_text()
        for block in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
            name, _, body = block.partition("\n")
            _QUERIES[name.strip()] = body.strip().rstrip(";")
    return _QUERIES


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


class _Checker:
    def __init__(self, conn: Connection[Any], settings: Settings, params: ConnParams | None) -> None:
        self.conn, self.settings, self.params = conn, settings, params
        self.controls: list[Control] = []
        self._settings_cache: dict[str, str] | None = None

    def add(self, id: str, safeguard: str, title: str, status: Status, evidence: str) -> None:
        self.controls.append(Control(id, safeguard, title, status, evidence))

    def rows(self, name: str, args: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        # A savepoint per query: one failed read (e.g. no privilege) does not end the report.
        with self.conn.transaction():
            return list(self.conn.execute(_queries()[name], args))

    def setting(self, name: str) -> str | None:
        if self._settings_cache is None:
            self._settings_cache = {str(n): str(v) for n, v in self.rows("settings")}
            # Some settings are hidden from a non-superuser admin (Azure's admin may read them
            # through pg_read_all_settings); the embedded server's own are read over its socket.
            self._settings_cache = {**self.local_superuser("settings"), **self._settings_cache}
        return self._settings_cache.get(name)

    def local_superuser(self, query: str) -> dict[str, str]:
        """The embedded server read as its local superuser (unix socket); {} elsewhere."""
        if not self.settings.embedded:
            return {}
        from oxkair.target import local_server

        try:
            info = local_server(self.settings).superuser_conninfo()
            with psycopg.connect(**info, connect_timeout=5) as conn:
                return {str(r[0]): str(r[1]) for r in conn.execute(_queries()[query])}
        except (psycopg.Error, OSError):
            return {}

    def guarded(self, id: str, safeguard: str, title: str, body: Callable[[], None]) -> None:
        try:
            body()
        except psycopg.Error as exc:
            self.add(id, safeguard, title, "unknown",
                     f"could not be read as {self.conn.info.user}: {exc.diag.message_primary or exc}")

    # ─────────────────────────────────────────────── 164.312(e)(1) transmission security
    def tls_session(self) -> None:
        row = self.rows("tls_session")
        ssl, version, cipher = row[0] if row else (False, None, None)
        ok = bool(ssl) and TLS_VERSIONS.get(str(version), 0) >= 1.2
        self.add("tls.this_connection", TRANSMISSION, "This connection is encrypted (TLS >= 1.2)",
                 "pass" if ok else "fail",
                 f"ssl={ssl} version={version} cipher={cipher}" if ssl else "this session is not TLS")

    def tls_required(self) -> None:
        evidence: list[str] = []
        status: Status = "unknown"
        require = self.setting("require_secure_transport")
        if require is not None:  # Azure Flexible Server
            evidence.append(f"require_secure_transport={require}")
            status = "pass" if require == "on" else "fail"
        rules: list[tuple[Any, ...]] | None
        try:
            rules = self.rows("hba_rules")
        except psycopg.Error:
            local = self.local_superuser("hba_rules_local")
            rules = [(t, None, None, None, m) for t, m in
                     (line.split(" ", 1) for line in local.values())] if local else None
        if rules is not None:
            open_rules = [r for r in rules if r[0] in ("host", "hostnossl") and r[4] != "reject"]
            evidence.append(f"pg_hba: {len(rules)} rules, "
                            f"{len(open_rules)} accept TCP without TLS")
            status = "fail" if open_rules else ("pass" if status != "fail" else status)
        probe = self._plaintext_probe()
        if probe is not None:
            refused, detail = probe
            evidence.append(detail)
            if not refused:
                status = "fail"
            elif status == "unknown":
                status = "pass"
        self.add("tls.required", TRANSMISSION, "Every connection must use TLS", status,
                 "; ".join(evidence) or "no setting, rule or probe could be read")

    def _plaintext_probe(self) -> tuple[bool, str] | None:
        """Try a connection without TLS and without credentials: refused is the proof we want."""
        if not self.params or str(self.params.get("host", "")).startswith("/"):
            return None
        probe = {k: v for k, v in self.params.items()
                 if k in ("host", "port", "dbname", "user")}
        # No credential may travel in clear: no password, no password file, and (libpq >= 16)
        # the client refuses to answer any authentication request at all.
        probe.update(sslmode="disable", connect_timeout=10,
                     passfile=str(Path(tempfile.gettempdir()) / f"oxkair-no-pgpass-{secrets.token_hex(8)}"))
        if psycopg.pq.version() >= 160000:
            probe["require_auth"] = "none"
        try:
            with psycopg.connect(**probe):
                return False, "a connection without TLS was ACCEPTED"
        except psycopg.OperationalError as exc:
            message = str(exc).lower()
            if "no encryption" in message or "ssl" in message or "secure transport" in message \
                    or "reject" in message:
                return True, "a connection attempt without TLS was refused by the server"
            if "password" in message or "authentication" in message:
                return False, "a connection without TLS reached authentication (not refused for TLS)"
            return None

    def tls_min_version(self) -> None:
        value = self.setting("ssl_min_protocol_version")
        title = "TLS 1.3, or TLS 1.2 with AEAD suites only"
        if value is None:
            self.add("tls.min_version", TRANSMISSION, title, "unknown",
                     "ssl_min_protocol_version is not readable")
            return
        version = TLS_VERSIONS.get(value, 0)
        if version >= 1.3:
            self.add("tls.min_version", TRANSMISSION, title, "pass",
                     f"ssl_min_protocol_version={value} (TLS 1.3 suites are all AEAD)")
            return
        if version < 1.2:
            self.add("tls.min_version", TRANSMISSION, title, "fail", f"ssl_min_protocol_version={value}")
            return
        ciphers = self.setting("ssl_ciphers")
        weak = _non_aead_tls12_suites(ciphers) if ciphers is not None else None
        if weak is None:
            self.add("tls.min_version", TRANSMISSION, title, "unknown",
                     f"ssl_min_protocol_version={value}; ssl_ciphers is not readable or not understood")
            return
        self.add("tls.min_version", TRANSMISSION, title, "fail" if weak else "pass",
                 f"ssl_min_protocol_version={value}; ssl_ciphers={ciphers}"
                 + (f": allows non-AEAD suites, e.g. {', '.join(weak[:3])}" if weak else ": AEAD only"))

    # ─────────────────────────────────────────────── 164.312(a)(1) access control
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

    def _api_roles(self) -> list[str]:
        roles = list(API_ROLES)
        if self.settings.oxkair_api_user:
            roles.append(self.settings.oxkair_api_user)
        return roles

    def api_owns_nothing(self) -> None:
        owned = self.rows("owned_by_api", {"api_roles": self._api_roles()})
        self.add("api.owns_nothing", ACCESS, "The API roles own no object (owners pass RLS)",
                 "fail" if owned else "pass",
                 "; ".join(f"{r} owns {n} objects, e.g. {e}" for r, n, e in owned)
                 if owned else
                 f"{', '.join(self._api_roles())}: no database, schema, table, function or type")

    def api_no_bypass(self) -> None:
        powers = self.rows("api_powers", {"api_roles": self._api_roles()})
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
        api = set(self._api_roles()) | {"oxkair_migrator", "oxkair_auditor"}
        bad = [m for m in members if m in api]
        self.add("roles.backup_reader", ACCESS, "Only administrators hold oxkair_backup (reads every row)",
                 "fail" if bad else "pass",
                 f"members: {', '.join(members) or 'none'}"
                 + (f"; must not be: {', '.join(bad)}" if bad else ""))

    # ─────────────────────────────────────────────── 164.312(b) audit controls
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
        rows = self.rows(query, {"api_roles": self._api_roles()})
        self.add(id, safeguard, title, "fail" if rows else "pass",
                 ("executable: " + "; ".join(f"{r} -> {f}" for r, f in rows)) if rows else
                 f"{', '.join(self._api_roles())}: {none_text}")

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

    # ─────────────────────────────────────────────── 164.312(d) authentication
    def password_storage(self) -> None:
        value = self.setting("password_encryption")
        self.add("db.password_encryption", AUTHN, "Database passwords stored as SCRAM-SHA-256",
                 "unknown" if value is None else ("pass" if value == "scram-sha-256" else "fail"),
                 f"password_encryption={value}")
        try:
            from oxkair.auth import passwords
        except ImportError:
            self.add("app.password_hashing", AUTHN, "User passwords hashed with argon2id (OWASP)", "unknown",
                     "the authentication module is not installed")
            return
        memory = getattr(passwords, "ARGON2_MEMORY_KIB", None)
        time_cost = getattr(passwords, "ARGON2_TIME_COST", None)
        if memory is None or time_cost is None:
            self.add("app.password_hashing", AUTHN, "User passwords hashed with argon2id (OWASP)", "unknown",
                     "argon2 parameters not found")
            return
        ok = memory >= OWASP_ARGON2_MIN_KIB and time_cost >= OWASP_ARGON2_MIN_T
        self.add("app.password_hashing", AUTHN, "User passwords hashed with argon2id (OWASP)",
                 "pass" if ok else "fail",
                 f"argon2id m={memory} KiB t={time_cost} p={getattr(passwords, 'ARGON2_PARALLELISM', '?')} "
                 f"(OWASP minimum m={OWASP_ARGON2_MIN_KIB} t={OWASP_ARGON2_MIN_T})")

    def email_verification(self) -> None:
        value = getattr(self.settings, "oxkair_require_email_verification", None)
        self.add("app.email_verification", AUTHN, "Email verified before first login",
                 "unknown" if value is None else ("pass" if value else "fail"),
                 f"OXKAIR_REQUIRE_EMAIL_VERIFICATION={value}" if value is not None else "setting not present")

    def lifetimes(self) -> None:
        idle = getattr(self.settings, "oxkair_session_idle_timeout", None)
        self.add("app.idle_timeout", LOGOFF,
                 f"Sessions end after at most {MAX_IDLE_SECONDS // 60} idle minutes",
                 "unknown" if idle is None else ("pass" if 0 < idle <= MAX_IDLE_SECONDS else "fail"),
                 f"OXKAIR_SESSION_IDLE_TIMEOUT={idle}s" if idle is not None else "setting not present")
        ttl = getattr(self.settings, "oxkair_access_token_ttl", None)
        self.add("app.token_lifetime", LOGOFF,
                 f"Access tokens live at most {MAX_ACCESS_TOKEN_SECONDS // 60} minutes",
                 "unknown" if ttl is None else ("pass" if 0 < ttl <= MAX_ACCESS_TOKEN_SECONDS else "fail"),
                 f"OXKAIR_ACCESS_TOKEN_TTL={ttl}s" if ttl is not None else "setting not present")

    # ─────────────────────────────────────────────── encryption at rest, backups
    def at_rest(self) -> None:
        azure = self.setting("azure.extensions") is not None
        self.add("storage.encryption", AT_REST, "Database storage encrypted at rest", "unknown",
                 "Azure Flexible Server encrypts storage and backups (AES-256) always; not visible over SQL"
                 if azure else "self-managed server: use an encrypted volume (not visible over SQL)")

    def backups(self) -> None:
        from oxkair.ops.crypto import BackupKey
        from oxkair.ops.manifest import list_tables, unreadable_tables
        from oxkair.ops.retention import HIPAA_YEARS

        with self.conn.transaction():
            missing = unreadable_tables(list_tables(self.conn))
        self.add("backup.readable", BACKUP, "Backups read every row (oxkair_backup policy on each table)",
                 "fail" if missing else "pass",
                 ("oxkair_backup cannot read all of: " + ", ".join(missing)) if missing else
                 "oxkair_backup has SELECT and a read-all policy on every table with RLS")
        monthly = self.settings.oxkair_backup_keep_monthly_years
        yearly = self.settings.oxkair_backup_keep_yearly_years
        self.add("backup.retention", BACKUP, f"Backup retention at least {HIPAA_YEARS} years",
                 "pass" if min(monthly, yearly) >= HIPAA_YEARS else "fail",
                 f"monthly kept {monthly}y, yearly {yearly}y (OXKAIR_BACKUP_KEEP_*); server PITR "
                 "retention and the Azure Backup vault (6 years, infra/azure) are not readable over SQL")
        try:
            key = BackupKey.from_setting(self.settings.oxkair_backup_key)
        except Exception as exc:  # SetupError: the message says what is wrong
            self.add("backup.encryption", BACKUP, "Backups encrypted (AES-256-GCM)", "unknown", str(exc))
        else:
            self.add("backup.encryption", BACKUP, "Backups encrypted (AES-256-GCM)", "pass",
                     f"OXKAIR_BACKUP_KEY is a 256-bit key (id {key.key_id})")

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
    checker = _Checker(conn, settings, params)
    checker.run()
    order = {s: i for i, s in enumerate(SAFEGUARDS)}
    controls = sorted(checker.controls, key=lambda c: order.get(c.safeguard, 99))
    server = f"{params.get('host')}:{params.get('port')}/{params.get('dbname')}" if params else "connection"
    return Report(server=server, controls=controls)
