"""GoTrue's request bodies and its User / Session / Factor JSON, built from the service's rows.

Requests ignore the fields supabase-js always sends and we have no use for
(`gotrue_meta_security`, `code_challenge`…); what we do read is validated as strictly as /auth.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from oxkair.auth.tokens import ROLE, TOKEN_TYPE, app_metadata

# Factor ids name the user's one TOTP factor: stable, derived, revealing nothing.
_FACTOR_NS = uuid.UUID("6f1c1d55-1d7e-4a51-9f0e-5b8f3c0b7a13")


class Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SignupBody(Lenient):
    email: str | None = None
    phone: str | None = None
    password: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class PasswordGrant(Lenient):
    email: str | None = None
    phone: str | None = None
    password: str = Field(min_length=1, max_length=1024)


class RefreshGrant(Lenient):
    refresh_token: str = Field(min_length=1, max_length=200)


class RecoverBody(Lenient):
    email: str = Field(min_length=3, max_length=320)


class VerifyBody(Lenient):
    type: str
    token_hash: str | None = Field(default=None, max_length=200)
    token: str | None = Field(default=None, max_length=200)
    email: str | None = None


class UserUpdate(Lenient):
    email: str | None = None
    phone: str | None = None
    password: str | None = Field(default=None, max_length=1024)
    current_password: str | None = Field(default=None, max_length=1024)
    nonce: str | None = None
    data: dict[str, Any] | None = None


class EnrollBody(Lenient):
    factor_type: str
    friendly_name: str | None = Field(default=None, max_length=100)
    issuer: str | None = None


class VerifyFactorBody(Lenient):
    challenge_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=32)


def factor_id(user_id: str) -> str:
    return str(uuid.uuid5(_FACTOR_NS, f"totp:{user_id}"))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def factors(account: dict[str, Any]) -> list[dict[str, Any]]:
    created = account.get("factor_created_at")
    if created is None:
        return []
    verified = account.get("factor_verified_at")
    return [{
        "id": factor_id(str(account["id"])),
        "friendly_name": "",
        "factor_type": "totp",
        "status": "verified" if verified else "unverified",
        "created_at": _iso(created),
        "updated_at": _iso(verified or created),
        "last_challenged_at": None,
        "phone": "",
    }]


def user_json(account: dict[str, Any], audience: str) -> dict[str, Any]:
    """GoTrue's User (models/user.go) of auth.my_account()'s row; user_metadata is the profile."""
    user_id, email = str(account["id"]), account["email"]
    confirmed = _iso(account.get("email_confirmed_at"))
    created = _iso(account.get("created_at"))
    metadata = {
        "first_name": account.get("first_name"),
        "last_name": account.get("last_name"),
        "user_category": account.get("user_category"),
        "institution_id": str(account["institution_id"]) if account.get("institution_id") else None,
        "npi": account.get("npi"),
        "phone_number": account.get("phone_number"),
        "email_verified": confirmed is not None,
    }
    user: dict[str, Any] = {
        "id": user_id,
        "aud": audience,
        "role": ROLE,
        "email": email,
        "email_confirmed_at": confirmed,
        "phone": "",
        "confirmed_at": confirmed,
        "last_sign_in_at": _iso(account.get("last_sign_in_at")),
        "app_metadata": {**app_metadata(), "verification_status": account.get("verification_status")},
        "user_metadata": metadata,
        "identities": [{
            "identity_id": str(uuid.uuid5(_FACTOR_NS, f"identity:{user_id}")),
            "id": user_id,
            "user_id": user_id,
            "identity_data": {"email": email, "email_verified": confirmed is not None, "sub": user_id},
            "provider": "email",
            "last_sign_in_at": _iso(account.get("last_sign_in_at")),
            "created_at": created,
            "updated_at": created,
            "email": email,
        }],
        "created_at": created,
        "updated_at": _iso(account.get("updated_at")) or created,
        "is_anonymous": False,
    }
    found = factors(account)
    if found:  # GoTrue omits an empty list (`factors,omitempty`)
        user["factors"] = found
    return user


def signup_user(email: str, audience: str) -> dict[str, Any]:
    """What POST /signup answers, the same whether the address was new or taken (GoTrue's
    obfuscated user): a fresh id that is not the account's, which is known only at sign-in."""
    now = datetime.now().astimezone().isoformat()
    return {
        "id": str(uuid.uuid4()),
        "aud": audience,
        "role": "",
        "email": email,
        "phone": "",
        "confirmation_sent_at": now,
        "app_metadata": app_metadata(),
        "user_metadata": {},
        "identities": [],
        "created_at": now,
        "updated_at": now,
        "is_anonymous": False,
    }


def session_json(
    access_token: str, expires_in: int, refresh_token: str, user: dict[str, Any]
) -> dict[str, Any]:
    return {
        "access_token": access_token,
        "token_type": TOKEN_TYPE,
        "expires_in": expires_in,
        "expires_at": int(time.time()) + expires_in,
        "refresh_token": refresh_token,
        "user": user,
    }


def settings_json(*, autoconfirm: bool) -> dict[str, Any]:
    """GET /settings (api/settings.go): email and password only."""
    providers = ["anonymous_users", "apple", "azure", "bitbucket", "discord", "facebook", "snapchat",
                 "figma", "fly", "github", "gitlab", "google", "keycloak", "kakao", "linkedin",
                 "linkedin_oidc", "notion", "spotify", "slack", "slack_oidc", "workos", "twitch",
                 "twitter", "email", "phone", "zoom"]
    return {
        "external": {name: name == "email" for name in providers},
        "disable_signup": False,
        "mailer_autoconfirm": autoconfirm,
        "phone_autoconfirm": False,
        "sms_provider": "",
        "saml_enabled": False,
        "saml_private_key_next_configured": False,
        "passkeys_enabled": False,
    }
