"""/auth/v1/*: GoTrue's wire format over the same AuthService as /auth (supabase-js unchanged).

A thin adapter: sign-in, lockout, rate limits, refresh rotation and reuse revocation, email
verification, MFA and audit all run in the service and the database exactly as for /auth; this
module only translates requests, answers and errors. Two differences from GoTrue keep our
safeguards: an MFA user's password sign-in yields a *pending* token that opens nothing but the
MFA routes (GoTrue would hand out an aal1 session), and a password change needs the current one.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError

from oxkair.api.deps import ClientAddr, Service, client_addr
from oxkair.api.gotrue_errors import GoTrueError, GoTrueRoute
from oxkair.api.gotrue_models import (
    EnrollBody,
    PasswordGrant,
    RecoverBody,
    RefreshGrant,
    SignupBody,
    UserUpdate,
    VerifyBody,
    VerifyFactorBody,
    factor_id,
    session_json,
    settings_json,
    signup_user,
    user_json,
)
from oxkair.api.models import ProfileUpdate
from oxkair.api.rls import Rls
from oxkair.api.routes.auth import SignupRequest
from oxkair.api.routes.profile import update_own_profile
from oxkair.auth.anon_key import is_anon_key
from oxkair.auth.errors import AuthError, unauthorized
from oxkair.auth.runtime import AuthRuntime
from oxkair.auth.service import AuthService, Grant, MfaChallenge, SignupData
from oxkair.auth.tokens import PENDING_CLAIM, InvalidToken, unverified_header_and_claims

_CHALLENGE_NS = uuid.UUID("0b6f5a52-8d7e-4c53-a8f4-3f1f8f3e2c61")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # as /auth/signup's


def require_apikey(request: Request) -> None:
    """The deployment's anon key in `apikey` (header, or query as Supabase's gateway takes it)."""
    key = request.headers.get("apikey") or request.query_params.get("apikey")
    if not key:
        raise GoTrueError(401, "no_authorization", "No API key found in request")
    if not is_anon_key(key, request.app.state.settings.oxkair_jwt_issuer):
        raise GoTrueError(401, "no_authorization", "Invalid API key")


router = APIRouter(prefix="/auth/v1", tags=["auth/v1 (GoTrue)"], route_class=GoTrueRoute,
                   dependencies=[Depends(require_apikey)])


def _runtime(request: Request) -> AuthRuntime:
    runtime: AuthRuntime = request.app.state.auth
    return runtime


def _bearer(request: Request) -> str | None:
    """The bearer token, unless it is the anon key (supabase-js sends it before sign-in)."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    if scheme.lower() != "bearer" or not token:
        return None
    if is_anon_key(token, request.app.state.settings.oxkair_jwt_issuer):
        return None
    return token


def _caller(request: Request) -> tuple[dict[str, Any], bool]:
    """(claims, pending): a live session's claims, or a pending-MFA token's (pending=True)."""
    token = _bearer(request)
    if token is None:
        raise unauthorized()
    runtime = _runtime(request)
    try:
        if PENDING_CLAIM in unverified_header_and_claims(token)[1]:
            return runtime.tokens.verify_pending(token), True
    except InvalidToken as exc:
        raise unauthorized(str(exc)) from exc
    return runtime.authenticate(token, client_addr(request)), False


def _session_answer(
    service: AuthService, request: Request, access: str, expires_in: int, refresh: str,
    addr: str | None, *, pending: bool = False,
) -> dict[str, Any]:
    runtime = _runtime(request)
    claims = runtime.tokens.verify_pending(access) if pending else runtime.tokens.verify(access)
    account = service.account(claims, addr)
    return session_json(access, expires_in, refresh, user_json(account, runtime.settings.oxkair_jwt_audience))


def _grant_answer(service: AuthService, request: Request, grant: Grant, addr: str | None) -> dict[str, Any]:
    return _session_answer(service, request, grant.access_token, grant.expires_in, grant.refresh_token, addr)


def _invalid(exc: ValidationError, prefix: str = "") -> GoTrueError:
    fields = sorted({prefix + ".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()})
    return GoTrueError(400, "validation_failed", f"invalid or missing: {', '.join(fields)}")


# ── sign-up, sign-in, tokens
@router.post("/signup")
def signup(body: SignupBody, service: Service, addr: ClientAddr, request: Request) -> dict[str, Any]:
    """options.data carries the profile: first_name, last_name, user_category, institution_id,
    npi, phone_number. The same answer whether or not the address already has an account."""
    if body.phone:
        raise GoTrueError(422, "phone_provider_disabled", "Sign-ups with a phone number are not offered")
    if not body.email:
        raise GoTrueError(400, "validation_failed", "Signup requires a valid email")
    if not body.password:
        raise GoTrueError(400, "validation_failed", "Signup requires a valid password")
    profile_fields = {k: v for k, v in body.data.items() if k not in ("email", "password")}
    try:
        checked = SignupRequest(email=body.email, password=body.password, **profile_fields)
    except ValidationError as exc:
        fields = sorted({
            (".".join(str(p) for p in e.get("loc", ())) if e.get("loc", ("",))[0] in ("email", "password")
             else "data." + ".".join(str(p) for p in e.get("loc", ())))
            for e in exc.errors()
        })
        raise GoTrueError(400, "validation_failed", f"invalid or missing: {', '.join(fields)}") from exc
    service.signup(SignupData(**checked.model_dump()), addr)
    return signup_user(checked.email, service.settings.oxkair_jwt_audience)


@router.post("/token")
def token(
    request: Request,
    service: Service,
    addr: ClientAddr,
    grant_type: Annotated[str, Query()] = "",
    body: Annotated[dict[str, Any] | None, Body()] = None,
) -> dict[str, Any]:
    """grant_type=password (a session, or for an MFA user a pending token) or refresh_token."""
    payload = body or {}
    if grant_type == "password":
        try:
            grant = PasswordGrant.model_validate(payload)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        if grant.phone:
            raise GoTrueError(422, "phone_provider_disabled", "Phone logins are disabled")
        if not grant.email:
            raise GoTrueError(400, "validation_failed", "missing email or phone")
        result = service.login(grant.email, grant.password, addr, request.headers.get("user-agent"))
        if isinstance(result, MfaChallenge):
            access, ttl = _runtime(request).tokens.issue_pending(
                user_id=result.user_id, email=result.email, challenge=result.mfa_token, ttl=result.expires_in
            )
            # Never stored: refreshing a pending sign-in fails (refresh_token_not_found).
            never_stored = secrets.token_urlsafe(32)
            return _session_answer(service, request, access, ttl, never_stored, addr, pending=True)
        return _grant_answer(service, request, result, addr)
    if grant_type == "refresh_token":
        try:
            refresh = RefreshGrant.model_validate(payload)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        return _grant_answer(service, request, service.refresh(refresh.refresh_token, addr), addr)
    raise GoTrueError(400, "invalid_credentials", "unsupported_grant_type")


@router.post("/logout", status_code=204)
def logout(
    request: Request, service: Service, addr: ClientAddr, scope: Annotated[str, Query()] = "global"
) -> Response:
    """scope=global (every session of the user), local (this one), others (all but this one)."""
    if scope not in ("", "global", "local", "others"):
        raise GoTrueError(400, "validation_failed", f"Unsupported logout scope {scope!r}")
    claims, pending = _caller(request)
    if not pending and "session_id" in claims:  # a pending sign-in or an external token: no session here
        if scope == "others":
            service.logout_others(claims, addr)
        else:
            service.logout(claims, scope != "local", addr)
    return Response(status_code=204)


# ── the user
@router.get("/user")
def get_user(request: Request, service: Service, addr: ClientAddr) -> dict[str, Any]:
    claims, _ = _caller(request)
    return user_json(service.account(claims, addr), service.settings.oxkair_jwt_audience)


@router.put("/user")
def update_user(body: UserUpdate, request: Request, service: Service, addr: ClientAddr) -> dict[str, Any]:
    """`data` updates the profile's names and contact details (institution and category are
    fixed at signup); `password` needs `current_password`; a new `email` is confirmed by a link
    sent to it (POST /verify type email_change, or oxkair's /verify-email page)."""
    claims, pending = _caller(request)
    if pending:
        raise GoTrueError(401, "insufficient_aal",
                          "AAL2 session is required to update email or password when MFA is enabled.")
    account = service.account(claims, addr)
    new_email = None
    if body.email is not None and body.email.strip().lower() != str(account["email"]).lower():
        new_email = body.email.strip()
        if not EMAIL.match(new_email) or len(new_email) > 320:
            raise GoTrueError(400, "email_address_invalid",
                              "Unable to validate email address: invalid format")
        if "session_id" not in claims:
            raise GoTrueError(422, "user_sso_managed",
                              "Updating the email of an account of the external issuer happens there")
    if body.phone:
        raise GoTrueError(422, "phone_provider_disabled", "Phone numbers of accounts are not offered")
    profile = None
    if body.data is not None:
        try:
            profile = ProfileUpdate.model_validate(body.data)
        except ValidationError as exc:
            raise _invalid(exc, "data.") from exc
        named = profile.model_fields_set & {"first_name", "last_name"}
        if any(getattr(profile, f) is None for f in named):
            raise GoTrueError(400, "validation_failed", "first_name and last_name cannot be removed")
    if body.password is not None:
        if "session_id" not in claims:
            raise GoTrueError(422, "user_sso_managed",
                              "Updating the password of an account of the external issuer happens there")
        if not body.current_password:
            raise GoTrueError(400, "current_password_required",
                              "Current password required when setting new password.")
        service.change_password(claims, body.current_password, body.password, addr)
    if profile is not None and profile.model_fields_set:
        with Rls(request.app.state.pool, claims, addr).transaction() as conn:
            update_own_profile(conn, profile)
        account = service.account(claims, addr)
    user = user_json(account, service.settings.oxkair_jwt_audience)
    if new_email is not None:
        # The same answer whether the address is free or taken (its owner is told instead).
        service.request_email_change(claims, new_email, addr)
        user.update(new_email=new_email, email_change_sent_at=datetime.now(UTC).isoformat())
    return user


# ── email links
@router.post("/recover")
def recover(body: RecoverBody, service: Service, addr: ClientAddr) -> dict[str, Any]:
    """Sends the password-reset link (to oxkair's reset page); the same answer for any address."""
    service.send_link(body.email, "password_reset", addr)
    return {}


@router.post("/verify")
def verify(body: VerifyBody, service: Service, addr: ClientAddr) -> dict[str, Any]:
    """type signup|email|email_change with token_hash (or token): the emailed link's token.
    Signs nobody in (sign in with the password afterwards); password resets end on oxkair's page."""
    if body.type == "recovery":
        raise GoTrueError(400, "validation_failed",
                          "Password resets are completed on the page the email links to")
    if body.type not in ("signup", "email", "email_change"):
        raise GoTrueError(400, "validation_failed", f"Unsupported verification type {body.type!r}")
    token = body.token_hash or body.token
    if not token:
        raise GoTrueError(400, "validation_failed", "Verify requires a token or a token hash")
    service.verify_email(token, addr)
    return {"msg": "Email address verified: sign in with your password"}


@router.get("/settings")
def settings(service: Service) -> dict[str, Any]:
    return settings_json(autoconfirm=not service.settings.oxkair_require_email_verification)


# ── MFA (TOTP)
def _factor_of(claims: dict[str, Any], fid: str) -> None:
    if fid != factor_id(str(claims["sub"])):
        raise GoTrueError(404, "mfa_factor_not_found", "Factor not found")


def _enrol_challenge_id(claims: dict[str, Any]) -> str:
    return str(uuid.uuid5(_CHALLENGE_NS, f"{claims.get('session_id')}:{claims['sub']}"))


@router.post("/factors")
def enroll(body: EnrollBody, request: Request, service: Service, addr: ClientAddr) -> dict[str, Any]:
    claims, pending = _caller(request)
    if body.factor_type != "totp":
        kind = body.factor_type if body.factor_type in ("phone", "webauthn") else "totp"
        raise GoTrueError(422, f"mfa_{kind}_enroll_not_enabled",
                          f"MFA enroll is disabled for {body.factor_type}")
    if pending:
        raise GoTrueError(403, "insufficient_aal", "AAL2 required to enroll a new factor")
    if "session_id" not in claims:
        raise GoTrueError(422, "validation_failed", "accounts of the external issuer use its MFA")
    if service.account(claims, addr).get("factor_verified_at"):
        raise GoTrueError(422, "too_many_enrolled_mfa_factors",
                          "Maximum number of verified factors reached, unenroll to continue")
    enrollment = service.mfa_enroll(claims, addr)
    return {
        "id": factor_id(str(claims["sub"])),
        "type": "totp",
        "friendly_name": body.friendly_name or "",
        "totp": {
            "qr_code": segno.make(enrollment.otpauth_uri, error="m").svg_inline(scale=4),
            "secret": enrollment.secret,
            "uri": enrollment.otpauth_uri,
        },
    }


@router.post("/factors/{fid}/challenge")
def challenge(fid: str, request: Request, service: Service, addr: ClientAddr) -> dict[str, Any]:
    """The challenge of a pending sign-in is the one made at sign-in; an enrolment's is named
    after the session (the code is the gate, checked and rate-limited by the service)."""
    claims, pending = _caller(request)
    _factor_of(claims, fid)
    if pending:
        return {"id": claims["session_id"], "type": "totp", "expires_at": claims["exp"]}
    account = service.account(claims, addr)
    if account.get("factor_created_at") is None:
        raise GoTrueError(404, "mfa_factor_not_found", "Factor not found")
    if account.get("factor_verified_at"):
        raise GoTrueError(422, "validation_failed", "This session is already verified with this factor")
    return {"id": _enrol_challenge_id(claims), "type": "totp", "expires_at": int(claims["exp"])}


@router.post("/factors/{fid}/verify")
def verify_factor(
    fid: str, body: VerifyFactorBody, request: Request, service: Service, addr: ClientAddr
) -> dict[str, Any]:
    """A pending sign-in: its TOTP code (or one of the recovery codes the oxkair settings page
    showed) starts an aal2 session. An enrolment: the first code confirms the factor and the
    session becomes aal2 (answered with a new refresh token; the old one is spent)."""
    claims, pending = _caller(request)
    _factor_of(claims, fid)
    expected = claims["session_id"] if pending else _enrol_challenge_id(claims)
    if body.challenge_id != expected:
        raise GoTrueError(422, "mfa_factor_not_found", "MFA factor with the provided challenge ID not found")
    if pending:
        code = body.code.strip()
        digits = code.replace(" ", "").isdigit()
        grant = service.mfa_challenge(claims[PENDING_CLAIM], code if digits else None,
                                      None if digits else code, addr, request.headers.get("user-agent"))
        return _grant_answer(service, request, grant, addr)
    if "session_id" not in claims:
        raise GoTrueError(422, "validation_failed", "accounts of the external issuer use its MFA")
    # The recovery codes mfa_confirm makes are not sent: supabase-js stores this answer as the
    # session (localStorage or cookies). The oxkair settings page shows them.
    confirmation = service.mfa_confirm(claims, body.code, addr)
    refresh = service.mfa_session_refresh_token(claims, addr)
    access, ttl = confirmation.access_token, confirmation.expires_in
    return _session_answer(service, request, access, ttl, refresh, addr)


@router.delete("/factors/{fid}")
def unenroll(fid: str, request: Request, service: Service, addr: ClientAddr) -> dict[str, Any]:
    claims, pending = _caller(request)
    _factor_of(claims, fid)
    if pending or claims.get("aal") != "aal2":
        raise GoTrueError(422, "insufficient_aal", "AAL2 required to unenroll verified factor")
    try:
        service.mfa_remove(claims, addr)
    except AuthError as exc:
        if exc.status == 404:
            raise GoTrueError(404, "mfa_factor_not_found", "Factor not found") from exc
        raise
    return {"id": fid}

