"""Email: messages queued in auth.outbox (same transaction as the event) and a pluggable sender."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

from oxkair.config import Settings


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


_TEMPLATES = {
    "verify": (
        "Verify your email address for Oxkair",
        "Welcome to Oxkair.\n\nTo verify your email address, open:\n{url}/verify-email?token={token}\n\n"
        "or paste this code on the verification page: {token}\n\n"
        "The link works once and expires in {hours} hours. If you did not sign up, ignore this email.",
    ),
    "reset": (
        "Reset your Oxkair password",
        "Someone (we hope you) asked to reset your Oxkair password. To choose a new one, open:\n"
        "{url}/reset-password?token={token}\n\nor paste this code on the reset page: {token}\n\n"
        "The link works once and expires in {reset_minutes} "
        "minutes. If you did not ask for it, ignore this email: your password is unchanged.",
    ),
    "email_change": (
        "Confirm your new email address for Oxkair",
        "To make this the address of your Oxkair account, open:\n{url}/verify-email?token={token}\n\n"
        "or paste this code on the verification page: {token}\n\n"
        "The link works once and expires in {hours} hours. If you did not ask for it, ignore this email.",
    ),
    "email_change_taken": (
        "Email change attempt for your Oxkair account",
        "Someone signed in to Oxkair asked to move their account to this email address, which "
        "already has an account. Nothing was changed. If you need help, contact your institution.",
    ),
    "email_change_notice": (
        "Your Oxkair email address is being changed",
        "Someone signed in to your Oxkair account asked to change its email address. The change "
        "happens only when the link sent to the new address is opened.\n"
        "If it was not you, reset your password at {url}/recover: that signs every session out.",
    ),
    "signup_existing": (
        "Sign-up attempt for your Oxkair account",
        "Someone tried to create an Oxkair account with this email address, which already "
        "has one. If it was you, sign in instead, or reset your password at {url}/recover.\n"
        "If it was not you, you need not do anything.",
    ),
}


def render(name: str, settings: Settings, token: str = "") -> Email:
    subject, body = _TEMPLATES[name]
    return Email(
        subject,
        body.format(
            url=settings.oxkair_public_url.rstrip("/"),
            token=token,
            hours=settings.oxkair_email_token_ttl // 3600,
            reset_minutes=settings.oxkair_reset_token_ttl // 60,
        ),
    )


@dataclass(frozen=True)
class Pending:
    id: int
    to_address: str
    subject: str
    body: str
    created_at: Any
    attempts: int
    last_error: str | None


class Sender(Protocol):
    def send(self, to_address: str, subject: str, body: str) -> None: ...


class SmtpSender:
    """SMTP with STARTTLS (verified certificate) unless disabled in settings."""

    def __init__(self, settings: Settings) -> None:
        if not settings.oxkair_smtp_host:
            raise ValueError("OXKAIR_SMTP_HOST is not set")
        self.settings = settings

    def send(self, to_address: str, subject: str, body: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.oxkair_smtp_from, to_address, subject
        message.set_content(body)
        assert s.oxkair_smtp_host is not None
        with smtplib.SMTP(s.oxkair_smtp_host, s.oxkair_smtp_port, timeout=15) as smtp:
            if s.oxkair_smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.oxkair_smtp_user:
                smtp.login(s.oxkair_smtp_user, s.oxkair_smtp_password or "")
            smtp.send_message(message)


def pending(conn: Any, limit: int = 100) -> list[Pending]:
    """The oldest pending messages first (the order they are delivered in)."""
    rows = conn.execute(
        "SELECT id, to_address, subject, body, created_at, attempts, last_error FROM auth.outbox_pending(%s)",
        [limit],
    ).fetchall()
    return [Pending(*row) for row in rows]


def newest_pending(conn: Any, limit: int) -> tuple[list[Pending], int]:
    """The newest pending messages first (what `oxkair outbox` shows), and how many are pending."""
    rows = conn.execute(
        "SELECT id, to_address, subject, body, created_at, attempts, last_error"
        " FROM auth.outbox_pending_newest(%s)",
        [limit],
    ).fetchall()
    total = conn.execute("SELECT auth.outbox_pending_count()").fetchone()
    return [Pending(*row) for row in rows], int(total[0]) if total else 0


def deliver(conn: Any, sender: Sender, limit: int = 100) -> tuple[int, int]:
    """Send pending messages; each is marked sent (body cleared) or its error recorded.
    Returns (sent, failed). The connection must be in autocommit mode or committed by the caller."""
    sent = failed = 0
    for message in pending(conn, limit):
        error = None
        try:
            sender.send(message.to_address, message.subject, message.body)
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
            failed += 1
        conn.execute("SELECT auth.outbox_mark(%s, %s)", [message.id, error])
    return sent, failed
