"""Restoring a decrypted dump without a superuser, in passes over the encrypted file.

pg_restore runs `ALTER FUNCTION ... OWNER TO oxkair_definer` right after each function, and a
non-superuser may do that only when the new owner can CREATE in the schema (the migrations lend
that privilege for the moment, as 0004/0005 do). So: (1) the schemas, (2) lend CREATE to every
owning role, (3) all other objects: the pre-data section in one transaction, the data section
as pg_restore writes it out, loaded on two connections (loader.py), the post-data section
(indexes, constraints, triggers, row security) in one transaction, (4) take CREATE back and
apply the privileges (ACL) entries, whose `SET SESSION AUTHORIZATION` (superuser only) becomes
`SET ROLE` (the admin is a member of the granting role). Only the data pass reads the whole
file; the others stop after its table of contents.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from psycopg import sql

from oxkair.db.connect import ConnParams, connect
from oxkair.ops.compression import decompressed
from oxkair.ops.crypto import BackupKey, decrypt_stream
from oxkair.ops.loader import DataLoader
from oxkair.ops.pgtools import Progress, pg_env, run_capturing, run_feeding, run_piping, tool

_ENTRY = re.compile(r"^\d+; \d+ \d+ (?P<kind>[A-Z ]+?) (?P<schema>\S+) (?P<rest>.*)$")
_SESSION_AUTH = re.compile(r"^SET SESSION AUTHORIZATION (.+);$", re.MULTILINE)
_RESET_AUTH = re.compile(r"^RESET SESSION AUTHORIZATION;$", re.MULTILINE)
# psql meta-commands of newer pg_restore scripts; the script goes through psycopg, not psql.
_PSQL_META = re.compile(r"^\\(un)?restrict .*$", re.MULTILINE)
_ACL_KINDS = ("ACL", "DEFAULT ACL")


def _plaintext(path: Path, key: BackupKey, compression: str,
               progress: Progress | None = None) -> Iterator[bytes]:
    with path.open("rb") as fh:
        chunks = decrypt_stream(key, fh)
        for chunk in decompressed(chunks) if compression == "zstd" else chunks:
            if progress:
                progress(len(chunk))
            yield chunk


def scratch_options(params: ConnParams) -> ConnParams:
    """Session settings for restoring into a scratch database that is dropped afterwards."""
    with connect(params, autocommit=True) as conn:
        lz4 = conn.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_catalog.pg_settings"
                           " WHERE name = 'default_toast_compression'").fetchone()
    options = ["-c synchronous_commit=off", "-c maintenance_work_mem=128MB"]
    if lz4 and lz4[0]:
        options.append("-c default_toast_compression=lz4")
    return {**params, "options": " ".join([str(params.get("options") or ""), *options]).strip()}


def _entries(toc: str) -> list[tuple[str, str]]:
    """(kind, line) for each entry of a `pg_restore -l` listing."""
    out = []
    for line in toc.splitlines():
        if line.startswith(";") or not line.strip():
            continue
        match = _ENTRY.match(line)
        kind = match.group("kind") if match else ""
        if kind.startswith("ACL") or kind.startswith("DEFAULT ACL"):
            kind = "DEFAULT ACL" if kind.startswith("DEFAULT") else "ACL"
        out.append((kind, line))
    return out


def _owners(lines: Iterable[str]) -> set[str]:
    owners = set()
    for line in lines:
        owner = line.rsplit(" ", 1)[-1]
        if owner and owner != "-":
            owners.add(owner)
    return owners


def restore_into(params: ConnParams, path: Path, key: BackupKey,
                 progress: Callable[[str, int], None] | None = None, *, compression: str = "",
                 scratch: bool = False) -> None:
    """Restore the encrypted dump at `path` into the (empty) database of `params`."""
    pg_restore = tool("pg_restore")
    if scratch:
        params = scratch_options(params)

    def stream(phase: str) -> Iterator[bytes]:
        return _plaintext(path, key, compression, (lambda n: progress(phase, n)) if progress else None)

    # libpq environment per pass: an Entra token (seed method 1) lives about an hour.
    toc = run_capturing([pg_restore, "--list"], pg_env(params), stream("reading"))
    entries = _entries(toc)
    schema_lines = [line for kind, line in entries if kind == "SCHEMA"]
    acl_lines = [line for kind, line in entries if kind in _ACL_KINDS]
    main_lines = [line for kind, line in entries if kind not in _ACL_KINDS and kind != "SCHEMA"]
    schemas = [line.split()[5] for line in schema_lines] + ["public"]
    owners = _owners(main_lines)

    with tempfile.TemporaryDirectory(prefix="oxkair-toc-") as tmp:
        def list_file(name: str, lines: list[str]) -> str:
            file = Path(tmp) / name
            file.write_text("\n".join(lines) + "\n")
            return str(file)

        if schema_lines:
            run_feeding([pg_restore, "--exit-on-error", "--no-password", "-L",
                         list_file("schemas", schema_lines), "-d", str(params["dbname"])],
                        pg_env(params), stream("schemas"))
        with connect(params, autocommit=True) as conn:
            _lend_create(conn, schemas, owners, grant=True)
        objects = list_file("objects", main_lines)
        try:
            run_feeding([pg_restore, "--exit-on-error", "--single-transaction", "--no-password",
                         "--section=pre-data", "-L", objects, "-d", str(params["dbname"])],
                        pg_env(params), stream("objects"))
            loader = DataLoader(params)
            try:
                run_piping([pg_restore, "--section=data", "-L", objects, "-f", "-"], pg_env(params),
                           stream("data"), loader.feed)
            except BaseException:
                loader.abort()
                raise
            loader.finish()
            run_feeding([pg_restore, "--exit-on-error", "--single-transaction", "--no-password",
                         "--section=post-data", "-L", objects, "-d", str(params["dbname"])],
                        pg_env(params), stream("indexes and constraints"))
        finally:
            with connect(params, autocommit=True) as conn:
                _lend_create(conn, schemas, owners, grant=False)
        if acl_lines:
            script = run_capturing([pg_restore, "-f", "-", "-L", list_file("acl", acl_lines)],
                                   pg_env(params), stream("privileges"))
            script = _PSQL_META.sub("", script)
            script = _RESET_AUTH.sub("RESET ROLE;", _SESSION_AUTH.sub(r"SET ROLE \1;", script))
            with connect(params) as conn:
                conn.execute(script.encode())


def _lend_create(conn: Any, schemas: list[str], owners: set[str], *, grant: bool) -> None:
    """Lend (or take back) CREATE on the restored schemas to the roles that will own objects."""
    rows = conn.execute(
        "SELECT nspname, pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace"
        " WHERE nspname = ANY(%s)", [schemas]).fetchall()
    roles = {str(r[0]) for r in conn.execute(
        "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%s)", [sorted(owners)])}
    template = "GRANT CREATE ON SCHEMA {} TO {}" if grant else "REVOKE CREATE ON SCHEMA {} FROM {}"
    for schema, schema_owner in sorted(rows):
        for role in sorted(roles - {schema_owner}):
            # Taking back is safe: the privileges pass restores what the source had.
            conn.execute(sql.SQL(template).format(sql.Identifier(schema), sql.Identifier(role)))
