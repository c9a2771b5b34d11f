"""The authentication flows: signup, login (+MFA), refresh, logout, email links, MFA changes."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from oxkair.auth import mfa
from oxkair.auth.errors import AuthError, unauthorized, wait_text
from oxkair.auth.outbox import render
from oxkair.auth.passwords import burn_time, hash_password, policy_problem, verify_password
from oxkair.auth.runtime import AuthRuntime
from oxkair.auth.sessions import new_refresh_token, token_hash
from oxkair.auth.tokens import TOKEN_TYPE
from oxkair.db import as_end_user

BAD_CREDENTIALS = "invalid email or password"
BAD_LINK = "this link is invalid, expired or already used"


@dataclass
class SignupData:
    email: str
    password: str | None
    first_name: str
    last_name: str
    user_category: str
    institution_id: UUID
    npi: str | None = None
    phone_number: str | None = None


@dataclass
class Grant:
    """A signed-in session: what POST /auth/token answers."""

    access_token: str
    expires_in: int
    refresh_token: str
    user: dict[str, Any]
    token_type: str = TOKEN_TYPE


@dataclass
class MfaChallenge:
    mfa_token: str
    expires_in: int = mfa.CHALLENGE_SECONDS
    factor_type: str = "totp"
    mfa_required: bool = True
    user_id: str = ""  # whose sign-in waits (for /auth/v1's pending token; not sent by /auth)
    email: str = ""


@dataclass
class Enrollment:
    secret: str
    otpauth_uri: str


@dataclass
class Confirmation:
    recovery_codes: list[str]
    access_token: str
    expires_in: int
    token_type: str = TOKEN_TYPE


def _profile_fields(data: SignupData) -> list[Any]:
    """The profile a signup carries, in the order auth.signup and auth.complete_profile take it."""
    return [data.first_name, data.last_name, data.user_category, data.institution_id, data.npi,
            data.phone_number]


class AuthService:
    """Every flow runs its SQL through the auth.* SECURITY DEFINER functions, as oxkair_anon
    before login and as oxkair_authenticated (claims from a verified token) after."""

    def __init__(self, runtime: AuthRuntime) -> None:
        self.rt = runtime
        self.settings = runtime.settings

    @contextmanager
    def _tx(
        self, claims: Mapping[str, Any] | None, client_addr: str | None
    ) -> Iterator[psycopg.Connection[Any]]:
        with self.rt.pool.connection() as conn, as_end_user(conn, claims, client_addr):
            yield conn

    def _limit(self, conn: psycopg.Connection[Any], what: str, client_addr: str | None) -> None:
        s = self.settings
        row = conn.execute(
            "SELECT auth.rate_limit_hit(%s, %s, %s)",
            [f"{what}:{client_addr or 'unknown'}", s.oxkair_login_rate_per_ip, s.oxkair_login_rate_window],
        ).fetchone()
        if row and row[0]:
            raise AuthError(429, f"too many attempts from this address; try again in {wait_text(row[0])}",
                            retry_after=row[0], code="rate_limited")

    def _grant(
        self, session_id: str, user_id: str, email: str, aal: str, refresh: str, amr: list[str]
    ) -> Grant:
        access, ttl = self.rt.tokens.issue(
            user_id=user_id, email=email, session_id=session_id, aal=aal, amr=amr
        )
        return Grant(access, ttl, refresh, {"id": user_id, "email": email, "aal": aal})

    # ── signup and email links
    def signup(self, data: SignupData, client_addr: str | None) -> str:
        assert data.password is not None
        problem = policy_problem(data.password, self.settings.oxkair_password_min_length, data.email)
        if problem:
            raise AuthError(422, problem, field="password")
        with self._tx(None, client_addr) as conn:
            self._limit(conn, "signup", client_addr)
        password_hash = hash_password(data.password)
        token = secrets.token_urlsafe(32)
        new = render("verify", self.settings, token=token)
        existing = render("signup_existing", self.settings)
        with self._tx(None, client_addr) as conn:
            conn.execute(
                "SELECT auth.signup(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    data.email,
                    password_hash,
                    *_profile_fields(data),
                    token_hash(token),
                    self.settings.oxkair_email_token_ttl,
                    new.subject,
                    new.body,
                    existing.subject,
                    existing.body,
                ],
            )
        return "check your email for a link to verify your address"

    def complete_profile(self, claims: Mapping[str, Any], data: SignupData, client_addr: str | None) -> str:
        """Signup form of a user signed in through the external issuer: their profile only."""
        with self._tx(claims, client_addr) as conn:
            row = conn.execute(
                "SELECT auth.complete_profile(%s, %s, %s, %s, %s, %s)", _profile_fields(data),
            ).fetchone()
        if not row or not row[0]:
            raise AuthError(409, "this account already has a profile")
        return "profile created"

    def verify_email(self, token: str, client_addr: str | None) -> None:
        with self._tx(None, client_addr) as conn:
            self._limit(conn, "link", client_addr)
            row = conn.execute("SELECT auth.verify_email(%s)", [token_hash(token)]).fetchone()
        if not row or not row[0]:
            raise AuthError(400, BAD_LINK)

    def send_link(self, email: str, purpose: str, client_addr: str | None) -> None:
        """Password reset or a new verification link; the same answer whether the address exists."""
        token = secrets.token_urlsafe(32)
        template = "reset" if purpose == "password_reset" else "verify"
        message = render(template, self.settings, token=token)
        ttl = (
            self.settings.oxkair_reset_token_ttl
            if purpose == "password_reset"
            else self.settings.oxkair_email_token_ttl
        )
        with self._tx(None, client_addr) as conn:
            self._limit(conn, "recover", client_addr)
            conn.execute(
                "SELECT auth.request_token(%s, %s, %s, %s, %s, %s)",
                [email, purpose, token_hash(token), ttl, message.subject, message.body],
            )

    def reset_password(self, token: str, password: str, client_addr: str | None) -> None:
        problem = policy_problem(password, self.settings.oxkair_password_min_length)
        if problem:
            raise AuthError(422, problem, field="password")
        new_hash = hash_password(password)
        with self._tx(None, client_addr) as conn:
            self._limit(conn, "link", client_addr)
            row = conn.execute("SELECT auth.reset_password(%s, %s)", [token_hash(token), new_hash]).fetchone()
        if not row or not row[0]:
            raise AuthError(400, BAD_LINK)

    # ── login
    def login(
        self, email: str, password: str, client_addr: str | None, user_agent: str | None
    ) -> Grant | MfaChallenge:
        s = self.settings
        with self._tx(None, client_addr) as conn:
            self._limit(conn, "login", client_addr)
            row = conn.execute(
                "SELECT user_id, password_hash, email, email_confirmed, usable, mfa_enabled,"
                " locked_seconds FROM auth.login_lookup(%s)",
                [email],
            ).fetchone()
        assert row is not None
        user_id, stored, user_email, confirmed, usable, mfa_enabled, locked = row
        if locked:
            burn_time(password)  # a locked known account answers as fast as a locked unknown one
            raise AuthError(429, f"too many failed sign-in attempts; try again in {wait_text(locked)}",
                            retry_after=locked, code="locked")
        valid, new_hash = verify_password(password, stored)
        if not valid:
            with self._tx(None, client_addr) as conn:
                conn.execute(
                    "SELECT auth.record_login_failure(%s, %s, %s, %s, %s, %s)",
                    [
                        email,
                        user_id,
                        "bad_password" if user_id else "unknown_email",
                        s.oxkair_lockout_threshold,
                        s.oxkair_lockout_base_seconds,
                        s.oxkair_lockout_max_seconds,
                    ],
                )
            raise AuthError(401, BAD_CREDENTIALS)
        refused = None
        if not usable:
            refused = ("account_disabled", AuthError(403, "this account is disabled"))
        elif s.oxkair_require_email_verification and not confirmed:
            refused = (
                "email_not_verified",
                AuthError(
                    403,
                    "your email address is not verified yet: open the link in the email we sent you,"
                    " or ask for a new one",
                    code="email_not_verified",
                ),
            )
        with self._tx(None, client_addr) as conn:
            if new_hash:
                conn.execute("SELECT auth.rehash_password(%s, %s, %s)", [user_id, stored, new_hash])
            if refused:
                conn.execute("SELECT auth.log_login_refused(%s, %s)", [user_id, refused[0]])
            elif mfa_enabled:
                challenge = secrets.token_urlsafe(32)
                conn.execute(
                    "SELECT auth.mfa_challenge_create(%s, %s, %s)",
                    [user_id, token_hash(challenge), mfa.CHALLENGE_SECONDS],
                )
                return MfaChallenge(challenge, user_id=str(user_id), email=user_email)
            else:
                refresh, refresh_digest = new_refresh_token()
                srow = conn.execute(
                    "SELECT auth.create_session(%s, 'aal1', %s, %s, %s, %s, 'password')",
                    [
                        user_id,
                        refresh_digest,
                        s.oxkair_session_idle_timeout,
                        s.oxkair_session_absolute_timeout,
                        user_agent,
                    ],
                ).fetchone()
                assert srow is not None
        if refused:
            raise refused[1]
        assert srow is not None
        return self._grant(str(srow[0]), str(user_id), user_email, "aal1", refresh, ["pwd"])

    def mfa_challenge(
        self,
        mfa_token: str,
        code: str | None,
        recovery_code: str | None,
        client_addr: str | None,
        user_agent: str | None,
    ) -> Grant:
        s = self.settings
        digest = token_hash(mfa_token)
        with self._tx(None, client_addr) as conn:
            self._limit(conn, "mfa", client_addr)
            row = conn.execute(
                "SELECT user_id, secret, last_used_step FROM auth.mfa_challenge_factor(%s, %s)",
                [digest, mfa.CHALLENGE_ATTEMPTS],
            ).fetchone()
        if row is None:
            raise AuthError(401, "the MFA challenge is invalid or expired; sign in again")
        step = mfa.matching_step(row[1], code, row[2]) if code else None
        recovery = mfa.recovery_hash(recovery_code) if recovery_code and not code else None
        refresh, refresh_digest = new_refresh_token()
        done = None
        if step is not None or recovery is not None:
            try:
                with self._tx(None, client_addr) as conn:
                    done = conn.execute(
                        "SELECT session_id, user_id, email"
                        " FROM auth.mfa_challenge_complete(%s, %s, %s, %s, %s, %s, %s)",
                        [
                            digest,
                            step,
                            recovery,
                            refresh_digest,
                            s.oxkair_session_idle_timeout,
                            s.oxkair_session_absolute_timeout,
                            user_agent,
                        ],
                    ).fetchone()
            except psycopg.Error as exc:
                if exc.sqlstate != "OX401":
                    raise
        if done is None:
            with self._tx(None, client_addr) as conn:
                conn.execute(
                    "SELECT auth.mfa_challenge_fail(%s, %s, %s, %s, %s)",
                    [
                        digest,
                        mfa.CHALLENGE_ATTEMPTS,
                        s.oxkair_lockout_threshold,
                        s.oxkair_lockout_base_seconds,
                        s.oxkair_lockout_max_seconds,
                    ],
                )
            raise AuthError(401, "this code is not right; check your authenticator app", field="code")
        return self._grant(
            str(done[0]),
            str(done[1]),
            done[2],
            "aal2",
            refresh,
            ["pwd", "otp" if step is not None else "recovery_code"],
        )

    # ── tokens and sessions
    def refresh(self, refresh_token: str, client_addr: str | None) -> Grant:
        new, new_digest = new_refresh_token()
        with self._tx(None, client_addr) as conn:
            self._limit(conn, "refresh", client_addr)
            row = conn.execute(
                "SELECT status, session_id, user_id, email, aal FROM auth.refresh_session(%s, %s)",
                [token_hash(refresh_token), new_digest],
            ).fetchone()
        assert row is not None
        status, session_id, user_id, email, aal = row
        if status == "reused":
            self.rt.sessions.forget(str(session_id))
            raise AuthError(401, "refresh token already used: the session has been ended; sign in again",
                            bearer_challenge=True, code="refresh_token_reused")
        if status != "ok":
            if session_id:
                self.rt.sessions.forget(str(session_id))
            raise AuthError(401, "invalid or expired refresh token; sign in again", bearer_challenge=True,
                            code="session_expired" if session_id else "refresh_token_invalid")
        return self._grant(str(session_id), str(user_id), email, aal, new, ["pwd"])

    def logout(self, claims: Mapping[str, Any], everywhere: bool, client_addr: str | None) -> int:
        with self._tx(claims, client_addr) as conn:
            ended = [str(r[0]) for r in conn.execute("SELECT * FROM auth.logout(%s)", [everywhere])]
        self.rt.sessions.forget(*ended)
        return len(ended)

    def user(self, claims: Mapping[str, Any], client_addr: str | None) -> dict[str, Any]:
        with self._tx(claims, client_addr) as conn:
            cur = conn.execute("SELECT * FROM auth.current_user_info()")
            row = cur.fetchone()
            names = [c.name for c in cur.description or []]
        if row is None:
            raise unauthorized()
        user = dict(zip(names, row, strict=True))
        user["aal"] = claims.get("aal")
        return user

    def request_email_change(
        self, claims: Mapping[str, Any], new_email: str, client_addr: str | None
    ) -> None:
        """Email the new address a confirmation link (auth.verify_email applies it) and tell the
        current one; a taken address changes nothing and the caller is told the same."""
        token = secrets.token_urlsafe(32)
        confirm = render("email_change", self.settings, token=token)
        taken = render("email_change_taken", self.settings)
        notice = render("email_change_notice", self.settings)
        with self._tx(claims, client_addr) as conn:
            self._limit(conn, "email_change", client_addr)
            row = conn.execute(
                "SELECT auth.request_email_change(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [new_email, token_hash(token), self.settings.oxkair_email_token_ttl, confirm.subject,
                 confirm.body, taken.subject, taken.body, notice.subject, notice.body],
            ).fetchone()
        if not row or not row[0]:
            raise AuthError(422, "accounts of the external issuer change their address there")

    def account(self, claims: Mapping[str, Any], client_addr: str | None) -> dict[str, Any]:
        """The caller's user, profile and TOTP factor (no secret) in one read (GoTrue's User)."""
        with self._tx(claims, client_addr) as conn:
            cur = conn.execute("SELECT * FROM auth.my_account()")
            row = cur.fetchone()
            names = [c.name for c in cur.description or []]
        if row is None:
            raise unauthorized()
        return dict(zip(names, row, strict=True))

    def mfa_session_refresh_token(self, claims: Mapping[str, Any], client_addr: str | None) -> str:
        """A new refresh token for the caller's session just verified with MFA (GoTrue answers
        a factor's verification with a whole session); the session's older ones count as used."""
        refresh, digest = new_refresh_token()
        with self._tx(claims, client_addr) as conn:
            row = conn.execute("SELECT auth.mfa_session_refresh_token(%s)", [digest]).fetchone()
        if not row or not row[0]:
            raise unauthorized("session ended; sign in again")
        return refresh

    # ── the settings page (signed in): password change, sessions
    def change_password(
        self, claims: Mapping[str, Any], current: str, new: str, client_addr: str | None
    ) -> int:
        """The current password, then the new one; every other session ends. Wrong current
        passwords count towards the sign-in lockout (a stolen token must not be a way to
        guess the password). Returns how many other sessions were ended."""
        s = self.settings
        user_id = str(claims["sub"])
        with self._tx(claims, client_addr) as conn:
            self._limit(conn, "password", client_addr)
            row = conn.execute(
                "SELECT password_hash, email, locked_seconds FROM auth.my_credentials()"
            ).fetchone()
        if row is None:
            raise unauthorized()
        stored, email, locked = row
        if locked:
            burn_time(current)
            raise AuthError(429, f"too many wrong passwords; try again in {wait_text(locked)}",
                            retry_after=locked, code="locked")
        if not stored:
            raise AuthError(400, "this account has no password here: it signs in through your organisation")
        valid, _ = verify_password(current, stored)
        if not valid:
            with self._tx(None, client_addr) as conn:
                conn.execute(
                    "SELECT auth.record_login_failure(%s, %s, %s, %s, %s, %s)",
                    [email, user_id, "bad_current_password", s.oxkair_lockout_threshold,
                     s.oxkair_lockout_base_seconds, s.oxkair_lockout_max_seconds],
                )
            raise AuthError(403, "the current password is not right", field="current_password")
        if new == current:
            raise AuthError(422, "choose a password different from the current one", field="new_password")
        problem = policy_problem(new, s.oxkair_password_min_length, email)
        if problem:
            raise AuthError(422, problem, field="new_password")
        new_hash = hash_password(new)
        with self._tx(claims, client_addr) as conn:
            result = conn.execute("SELECT auth.change_password(%s, %s)", [stored, new_hash]).fetchone()
        ended = result[0] if result else None
        if ended is None:
            raise AuthError(409, "your password was changed meanwhile; sign in again")
        self.rt.sessions.forget(*(str(e) for e in ended))
        return len(ended)

    def sessions(self, claims: Mapping[str, Any], client_addr: str | None) -> list[dict[str, Any]]:
        with self._tx(claims, client_addr) as conn:
            cur = conn.execute(
                "SELECT id, created_at, last_seen_at, aal, host(client_addr) AS client_addr, user_agent,"
                " current FROM auth.my_sessions()"
            )
            names = [c.name for c in cur.description or []]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def logout_others(self, claims: Mapping[str, Any], client_addr: str | None) -> int:
        with self._tx(claims, client_addr) as conn:
            ended = [str(r[0]) for r in conn.execute("SELECT * FROM auth.logout_others()")]
        self.rt.sessions.forget(*ended)
        return len(ended)

    # ── MFA changes (signed in)
    def mfa_enroll(self, claims: Mapping[str, Any], client_addr: str | None) -> Enrollment:
        secret = mfa.new_secret()
        with self._tx(claims, client_addr) as conn:
            conn.execute("SELECT auth.mfa_enroll(%s)", [secret])
        return Enrollment(secret, mfa.provisioning_uri(secret, str(claims.get("email", ""))))

    def mfa_confirm(self, claims: Mapping[str, Any], code: str, client_addr: str | None) -> Confirmation:
        with self._tx(claims, client_addr) as conn:
            self._limit(conn, "mfa", client_addr)
            row = conn.execute("SELECT secret, verified, last_used_step FROM auth.my_mfa_factor()").fetchone()
        if row is None or row[1]:
            raise AuthError(409, "no MFA enrolment is waiting for confirmation")
        step = mfa.matching_step(row[0], code, row[2])
        codes = mfa.new_recovery_codes()
        ok = False
        if step is not None:
            with self._tx(claims, client_addr) as conn:
                result = conn.execute(
                    "SELECT auth.mfa_confirm(%s, %s)", [step, [mfa.recovery_hash(c) for c in codes]]
                ).fetchone()
                ok = bool(result and result[0])
        if not ok:
            raise AuthError(401, "this code is not right; check your authenticator app", field="code")
        self.rt.sessions.forget(str(claims.get("session_id")))
        access, ttl = self.rt.tokens.issue(
            user_id=str(claims["sub"]),
            email=str(claims.get("email", "")),
            session_id=str(claims.get("session_id")),
            aal="aal2",
            amr=["pwd", "otp"],
        )
        return Confirmation(codes, access, ttl)

    def mfa_remove(self, claims: Mapping[str, Any], client_addr: str | None) -> None:
        with self._tx(claims, client_addr) as conn:
            row = conn.execute("SELECT auth.mfa_remove()").fetchone()
        if not row or not row[0]:
            raise AuthError(404, "no MFA factor is enrolled")
