"""Expected authentication failures, with the HTTP status and a message safe to show."""

from __future__ import annotations


class AuthError(Exception):
    """Refused: `detail` is written for the client and never says whether an email exists."""

    def __init__(
        self, status: int, detail: str, *, retry_after: int | None = None, bearer_challenge: bool = False
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.retry_after = status, detail, retry_after
        self.bearer_challenge = bearer_challenge

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
