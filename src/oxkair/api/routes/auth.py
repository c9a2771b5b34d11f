"""/auth/*: signup, tokens, refresh, logout, user, email links, MFA (replaces Supabase Auth)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel, ConfigDict, Field

from oxkair.api.deps import Claims, ClientAddr, CurrentUser, Service
from oxkair.auth import mfa
from oxkair.auth.errors import AuthError
from oxkair.auth.service import SignupData
from oxkair.auth.tokens import TOKEN_TYPE

router = APIRouter(prefix="/auth", tags=["auth"])

Email = Annotated[str, Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Secret = Annotated[str, Field(min_length=1, max_length=1024)]
OneTimeToken = Annotated[str, Field(min_length=16, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class SignupRequest(Strict):
    email: Email
    password: Secret | None = None
    first_name: Annotated[str, Field(min_length=1, max_length=100)]
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    user_category: Literal["Provider", "Medical Coder"]
    institution_id: UUID
    npi: Annotated[str, Field(pattern=r"^\d{10}$")] | None = None
    phone_number: Annotated[str, Field(max_length=32, pattern=r"^[0-9+()\-. ]{4,32}$")] | None = None


class TokenRequest(Strict):
    email: Email
    password: Secret
    grant_type: Literal["password"] = "password"


class RefreshRequest(Strict):
    refresh_token: Annotated[str, Field(min_length=16, max_length=200)]


class UserPublic(BaseModel):
    id: UUID
    email: str
    aal: str | None = None


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = TOKEN_TYPE
    expires_in: int
    refresh_token: str
    user: UserPublic


class MfaChallengeResponse(BaseModel):
    mfa_required: bool = True
    mfa_token: str
    factor_type: str = "totp"
    expires_in: int


class Message(BaseModel):
    message: str


class TokenOnly(Strict):
    token: OneTimeToken


class RecoverRequest(Strict):
    email: Email
    purpose: Literal["password_reset", "email_verification"] = "password_reset"


class ResetRequest(Strict):
    token: OneTimeToken
    password: Secret


class MfaVerifyRequest(Strict):
    mfa_token: OneTimeToken | None = None
    code: Annotated[str, Field(min_length=6, max_length=8)] | None = None
    recovery_code: Annotated[str, Field(min_length=10, max_length=16)] | None = None


class EnrollResponse(BaseModel):
    factor_type: str = "totp"
    secret: str
    otpauth_uri: str
    qr_modules: list[str] = Field(description="the URI's QR code: rows of 0/1 (dark) modules, no quiet zone")


class PasswordChange(Strict):
    current_password: Secret
    new_password: Secret


class SessionPublic(BaseModel):
    id: UUID
    created_at: datetime
    last_seen_at: datetime
    aal: str
    client_addr: str | None
    user_agent: str | None
    current: bool


class SessionList(BaseModel):
    items: list[SessionPublic]


class ConfirmResponse(BaseModel):
    recovery_codes: list[str]
    access_token: str
    token_type: str = TOKEN_TYPE
    expires_in: int


class AccountPublic(BaseModel):
    id: UUID
    email: str
    email_confirmed_at: Any = None
    created_at: Any = None
    last_sign_in_at: Any = None
    mfa_enabled: bool
    aal: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    user_category: str | None = None
    institution_id: UUID | None = None
    has_profile: bool


def _user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


@router.post("/signup", status_code=202, response_model=Message)
def signup(
    body: SignupRequest,
    request: Request,
    service: Service,
    addr: ClientAddr,
    authorization: Annotated[str | None, Header()] = None,
) -> Message:
    """Create an account (user, profile, settings) and send the verification email. With a
    bearer token of the external issuer, creates that user's profile instead (no password)."""
    data = SignupData(**body.model_dump())
    scheme, token = get_authorization_scheme_param(authorization)
    if authorization and scheme.lower() == "bearer":
        claims = service.rt.authenticate(token, addr)
        if "external_subject" not in claims:
            raise AuthError(409, "already signed in")
        return Message(message=service.complete_profile(claims, data, addr))
    if not body.password:
        raise AuthError(422, "a password is required", field="password")
    return Message(message=service.signup(data, addr))


@router.post("/token", response_model=TokenResponse | MfaChallengeResponse)
def token(body: TokenRequest, request: Request, service: Service, addr: ClientAddr) -> Any:
    """Password grant: tokens, or an MFA challenge when TOTP is enrolled."""
    result = service.login(body.email, body.password, addr, _user_agent(request))
    if hasattr(result, "mfa_token"):
        return MfaChallengeResponse(mfa_token=result.mfa_token, expires_in=result.expires_in)
    return TokenResponse(**result.__dict__)


@router.post("/token/refresh", response_model=TokenResponse)
def refresh(body: RefreshRequest, service: Service, addr: ClientAddr) -> TokenResponse:
    """Rotate the refresh token; presenting a used one ends the whole session."""
    return TokenResponse(**service.refresh(body.refresh_token, addr).__dict__)


@router.post("/logout", status_code=204)
def logout(
    claims: Claims,
    service: Service,
    addr: ClientAddr,
    scope: Annotated[Literal["session", "all", "others"], Query()] = "session",
) -> Response:
    """End this session, every session of the user (scope=all), or every one but this
    (scope=others: "sign out everywhere else")."""
    if "session_id" not in claims:
        raise AuthError(400, "tokens of the external issuer are ended there")
    if scope == "others":
        service.logout_others(claims, addr)
    else:
        service.logout(claims, scope == "all", addr)
    return Response(status_code=204)


@router.get("/sessions", response_model=SessionList)
def sessions(claims: Claims, service: Service, addr: ClientAddr) -> SessionList:
    """The caller's live sessions, most recently used first; `current` marks this one."""
    if "session_id" not in claims:
        raise AuthError(400, "sessions of the external issuer are listed there")
    return SessionList(items=[SessionPublic(**row) for row in service.sessions(claims, addr)])


@router.post("/password", response_model=Message)
def change_password(body: PasswordChange, claims: Claims, service: Service, addr: ClientAddr) -> Message:
    """Change the password: the current one, then the new one (the same policy as signup).
    Every other session is signed out; this one stays."""
    if "session_id" not in claims:
        raise AuthError(400, "accounts of the external issuer change their password there")
    ended = service.change_password(claims, body.current_password, body.new_password, addr)
    others = f"{ended} other session{'s' if ended != 1 else ''}" if ended else "no other session"
    return Message(message=f"password changed; {others} signed out")


@router.get("/user", response_model=AccountPublic)
def user(claims: Claims, service: Service, addr: ClientAddr) -> AccountPublic:
    return AccountPublic(**service.user(claims, addr))


@router.post("/verify-email", response_model=Message)
def verify_email(body: TokenOnly, service: Service, addr: ClientAddr) -> Message:
    service.verify_email(body.token, addr)
    return Message(message="email address verified")


@router.post("/recover", status_code=202, response_model=Message)
def recover(body: RecoverRequest, service: Service, addr: ClientAddr) -> Message:
    """Send a password-reset (or a new verification) link; the same answer for any address."""
    service.send_link(body.email, body.purpose, addr)
    return Message(message="if this address has an account, we sent it a link")


@router.post("/reset-password", response_model=Message)
def reset_password(body: ResetRequest, service: Service, addr: ClientAddr) -> Message:
    service.reset_password(body.token, body.password, addr)
    return Message(message="password changed; every session was signed out")


@router.post("/mfa/enroll", response_model=EnrollResponse)
def mfa_enroll(current: CurrentUser, claims: Claims, service: Service, addr: ClientAddr) -> EnrollResponse:
    """Start TOTP enrolment: a secret for the authenticator app, confirmed by /auth/mfa/verify."""
    if current.external:
        raise AuthError(400, "accounts of the external issuer use its MFA")
    enrollment = service.mfa_enroll(claims, addr)
    return EnrollResponse(secret=enrollment.secret, otpauth_uri=enrollment.otpauth_uri,
                          qr_modules=mfa.qr_modules(enrollment.otpauth_uri))


@router.post("/mfa/verify", response_model=TokenResponse | ConfirmResponse)
def mfa_verify(
    body: MfaVerifyRequest,
    request: Request,
    service: Service,
    addr: ClientAddr,
    authorization: Annotated[str | None, Header()] = None,
) -> Any:
    """With `mfa_token`: complete a sign-in (TOTP code or recovery code). Signed in, without
    it: confirm an enrolment with a code; answers recovery codes and an aal2 access token."""
    if body.mfa_token:
        if not (body.code or body.recovery_code):
            raise AuthError(422, "a code or a recovery code is required", field="code")
        grant = service.mfa_challenge(
            body.mfa_token, body.code, body.recovery_code, addr, _user_agent(request)
        )
        return TokenResponse(**grant.__dict__)
    scheme, token = get_authorization_scheme_param(authorization)
    if not authorization or scheme.lower() != "bearer":
        raise AuthError(401, "authentication required", bearer_challenge=True)
    claims = service.rt.authenticate(token, addr)
    if "session_id" not in claims:
        raise AuthError(400, "accounts of the external issuer use its MFA")
    if not body.code:
        raise AuthError(422, "a code is required", field="code")
    confirmation = service.mfa_confirm(claims, body.code, addr)
    return ConfirmResponse(
        recovery_codes=confirmation.recovery_codes,
        access_token=confirmation.access_token,
        expires_in=confirmation.expires_in,
    )


@router.delete("/mfa", status_code=204)
def mfa_remove(current: CurrentUser, claims: Claims, service: Service, addr: ClientAddr) -> Response:
    """Remove the TOTP factor and its recovery codes; needs a session verified with it (aal2)."""
    if current.aal != "aal2":
        raise AuthError(403, "removing MFA needs a session verified with it")
    service.mfa_remove(claims, addr)
    return Response(status_code=204)
