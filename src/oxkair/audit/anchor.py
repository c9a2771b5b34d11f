"""Anchors of the audit trail outside the database (`oxkair audit anchor`, `verify --anchor`).

The chain heads live in the same database as the entries, so someone with the database's keys
(a superuser, a restored copy) could delete the newest entries of a lane and roll its head back,
and the chain alone would still verify (ONC 170.315(d)(10) asks that deletion be detectable).
An anchor is each lane's head (lane, sequence number, hash) at a moment, written somewhere else
(a directory on other storage, Azure Blob Storage with immutability) and MAC'd with a key kept
outside the database (OXKAIR_AUDIT_ANCHOR_KEY), so it can be neither forged nor quietly edited.
Verifying against anchors then proves that every anchored entry is still there, unchanged, on an
intact chain: a truncated tail, a deleted or edited entry is caught.

HMAC-SHA256 from the standard library: the MAC is all that is needed (no library adds to it)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psycopg import Connection

from oxkair.audit.trail import AUDITOR
from oxkair.config import Settings
from oxkair.errors import SetupError
from oxkair.ops.storage import Storage

PREFIX = "audit-anchor-"
SUFFIX = ".json"
FORMAT = 1


def parse_anchor_key(value: str | None) -> bytes:
    """OXKAIR_AUDIT_ANCHOR_KEY: 32 random bytes, base64 (kept in a secret store, not the database)."""
    if not value:
        raise SetupError("OXKAIR_AUDIT_ANCHOR_KEY is not set: anchors are MAC'd with a key kept "
                         "outside the database (32 random bytes, base64: `openssl rand -base64 32`)")
    try:
        raw = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 32:
        raise SetupError("OXKAIR_AUDIT_ANCHOR_KEY must be 32 random bytes, base64-encoded")
    return raw


def server_label(settings: Settings) -> str:
    """Which database an anchor is of (no credentials)."""
    return "embedded" if settings.embedded else f"{settings.pghost}/{settings.pgdatabase}"


def _mac(key: bytes, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AnchorCheck:
    anchors: int
    heads: int
    problems: list[str]


def current_heads(conn: Connection[Any]) -> list[dict[str, Any]]:
    """Each lane's head, read as oxkair_auditor in the caller's transaction."""
    with conn.transaction():  # in a caller's transaction, a savepoint: RESET ROLE ends the role
        conn.execute(f"SET LOCAL ROLE {AUDITOR}")
        rows = conn.execute(
            "SELECT lane, seq, encode(hash, 'hex') FROM audit.chain_head ORDER BY lane").fetchall()
        conn.execute("RESET ROLE")
    return [{"lane": int(r[0]), "seq": int(r[1]), "hash": str(r[2])} for r in rows]


def write_anchor(conn: Connection[Any], storage: Storage, key: bytes, server: str) -> str:
    """Write the current heads as a new MAC'd anchor; its name."""
    now = datetime.now(UTC)
    body = {"format": FORMAT, "server": server, "anchored_at": now.isoformat(),
            "heads": current_heads(conn)}
    name = f"{PREFIX}{now:%Y%m%dT%H%M%S%fZ}{SUFFIX}"
    storage.put_text(name, json.dumps({**body, "hmac_sha256": _mac(key, body)}, indent=1) + "\n")
    return name


def check_anchors(conn: Connection[Any], storage: Storage, key: bytes) -> AnchorCheck:
    """Every anchor's MAC, and every anchored head still on the chain with its hash; the chain
    itself is verified by `audit.verify_chain()` (oxkair.audit.trail.verify_chain)."""
    names = sorted(n for n in storage.names() if n.startswith(PREFIX) and n.endswith(SUFFIX))
    problems: list[str] = []
    heads = 0
    if not names:
        return AnchorCheck(0, 0, ["no anchor found there (write one with `oxkair audit anchor`)"])
    with conn.transaction():
        conn.execute(f"SET LOCAL ROLE {AUDITOR}")
        for name in names:
            try:
                doc = json.loads(storage.get_text(name))
                mac = doc.pop("hmac_sha256")
            except (ValueError, KeyError, AttributeError):
                problems.append(f"{name}: not an anchor file")
                continue
            if not hmac.compare_digest(str(mac), _mac(key, doc)):
                problems.append(f"{name}: MAC does not match (forged or edited, or another key)")
                continue
            for head in doc.get("heads", []):
                heads += 1
                if head["seq"] == 0:
                    continue  # an empty lane at the time: nothing to find
                row = conn.execute("SELECT encode(hash, 'hex') FROM audit.log WHERE lane = %s AND seq = %s",
                                   [head["lane"], head["seq"]]).fetchone()
                if row is None:
                    problems.append(f"{name}: lane {head['lane']} entry {head['seq']} is gone "
                                    "(entries deleted after the anchor)")
                elif row[0] != head["hash"]:
                    problems.append(f"{name}: lane {head['lane']} entry {head['seq']} has another hash "
                                    "(the chain was rewritten)")
        conn.execute("RESET ROLE")
    return AnchorCheck(len(names), heads, problems)
