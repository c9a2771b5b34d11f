"""Expected authentication failures, with the HTTP status and a message safe to show."""

from __future__ import annotations


def wait_text(seconds: int) -> str:
    """How long to wait, as people say it: "30 seconds", "5 minutes", "2 hours"."""
    seconds = max(1, int(seconds))
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = -(-seconds // size)  # rounded up: never tell someone to come back too early
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{seconds} second{'s' if seconds > 1 else ''}"


class AuthError(Exception):
    """Refused: `detail` is written for the client and never says whether an email exists.
    `field` names the request field it concerns (the pages show it next to that field)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        retry_after: int | None = None,
        bearer_challenge: bool = False,
        field: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.retry_after = status, detail, retry_after
        self.bearer_challenge, self.field, self.code = bearer_challenge, field, code

    @property
    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.retry_after:
            headers["Retry-After"] = str(self.retry_after)
        if self.bearer_challenge:
            headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return headers


def unauthorized(detail: str = "authentication required") -> AuthError:
    return AuthError(401, detail, bearer_challenge=True)
