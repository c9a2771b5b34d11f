"""164.312(e)(1) Transmission security: TLS on this connection, required for every other, its minimum
version and suites."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Any

import psycopg

from oxkair.compliance.base import Checker
from oxkair.compliance.model import (
    TLS_VERSIONS,
    TRANSMISSION,
    Status,
)


def non_aead_tls12_suites(ciphers: str) -> list[str] | None:
    """The TLS 1.2 suites an OpenSSL cipher string allows that are not AEAD (CBC, RC4...), as
    this machine's OpenSSL expands it (the server's is the same library); None if not valid."""
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.set_ciphers(ciphers)
    except ssl.SSLError:
        return None
    return [c["name"] for c in ctx.get_ciphers() if c["protocol"] != "TLSv1.3" and not c.get("aead")]



class TransmissionChecks(Checker):
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
        weak = non_aead_tls12_suites(ciphers) if ciphers is not None else None
        if weak is None:
            self.add("tls.min_version", TRANSMISSION, title, "unknown",
                     f"ssl_min_protocol_version={value}; ssl_ciphers is not readable or not understood")
            return
        self.add("tls.min_version", TRANSMISSION, title, "fail" if weak else "pass",
                 f"ssl_min_protocol_version={value}; ssl_ciphers={ciphers}"
                 + (f": allows non-AEAD suites, e.g. {', '.join(weak[:3])}" if weak else ": AEAD only"))
