"""164.312(d) Person or entity authentication and 164.312(a)(2)(iii) automatic logoff: password
storage, email verification, session and token lifetimes."""

from __future__ import annotations

from oxkair.compliance.base import Checker
from oxkair.compliance.model import (
    AUTHN,
    LOGOFF,
    MAX_ACCESS_TOKEN_SECONDS,
    MAX_IDLE_SECONDS,
    OWASP_ARGON2_MIN_KIB,
    OWASP_ARGON2_MIN_T,
)


class AuthenticationChecks(Checker):
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
