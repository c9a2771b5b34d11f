"""Backup format v2: zstd inside the encryption, table digests computed by the server, v1 manifests."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import pytest
from psycopg import Connection

from oxkair.ops.compression import Compressing, decompressed
from oxkair.ops.crypto import BackupKey, CorruptBackupError
from oxkair.ops.manifest import FORMAT, FORMAT_V1, Manifest, TableDigest, list_tables, table_digest


@pytest.fixture()
def key() -> BackupKey:
    return BackupKey.from_setting(BackupKey.generate())


def _compress(data: bytes) -> bytes:
    out: list[bytes] = []
    writer = Compressing(out.append)
    for i in range(0, len(data), 7777):
        writer.write(data[i:i + 7777])
    writer.close()
    return b"".join(out)


def _chunks(blob: bytes, size: int = 1000) -> list[bytes]:
    return [blob[i:i + size] for i in range(0, len(blob), size)]


@pytest.mark.parametrize("size", [0, 1, 300_000])
def test_compression_round_trip(size: int) -> None:
    data = (os.urandom(500) * 1000)[:size]
    blob = _compress(data)
    assert size < 1000 or len(blob) < size / 10
    assert b"".join(decompressed(_chunks(blob))) == data


def test_a_cut_or_extended_compressed_dump_is_corruption() -> None:
    blob = _compress(os.urandom(1000) * 200)
    with pytest.raises(CorruptBackupError, match="cut short"):
        b"".join(decompressed(_chunks(blob[:-3])))
    with pytest.raises(CorruptBackupError):
        b"".join(decompressed([*_chunks(blob), b"more"]))
    with pytest.raises(CorruptBackupError, match="does not decode"):
        b"".join(decompressed([b"not zstd at all"]))


def _digest(conn: Connection[Any], table: str, key: BackupKey) -> TableDigest:
    [info] = [t for t in list_tables(conn) if t.qualified == table]
    return table_digest(conn, info, key)


def test_digest_counts_and_hashes_rows_of_any_type(su: Connection[Any], key: BackupKey) -> None:
    # json has no hash function (the SHA-256 fallback); an enum and a domain are hashed as text,
    # since their OIDs differ in a restored database.
    su.execute("CREATE TYPE public.digest_mood AS ENUM ('calm', 'busy')")
    su.execute("CREATE DOMAIN public.digest_code AS text CHECK (VALUE <> '')")
    su.execute("CREATE TABLE public.digest_plain (id int, note text, at timestamptz, tags text[], doc jsonb)")
    su.execute("CREATE TABLE public.digest_odd (id int, raw json, mood public.digest_mood,"
               " code public.digest_code)")
    su.execute("INSERT INTO public.digest_plain SELECT i, repeat('n', i), now(), ARRAY['a', i::text],"
               " jsonb_build_object('i', i) FROM generate_series(1, 50) i")
    su.execute("INSERT INTO public.digest_odd VALUES (1, '{\"a\": 1}', 'calm', 'X'), (2, NULL, 'busy', 'Y')")
    for table in ("public.digest_plain", "public.digest_odd"):
        before = _digest(su, table, key)
        assert before.rows in (50, 2)
        # The physical order of the rows does not matter...
        su.execute(f"CREATE TEMP TABLE copy_rows AS SELECT * FROM {table} ORDER BY id DESC")
        su.execute(f"DELETE FROM {table}")
        su.execute(f"INSERT INTO {table} SELECT * FROM copy_rows")
        su.execute("DROP TABLE copy_rows")
        assert _digest(su, table, key) == before
        # ... their content does, and so does the key.
        su.execute(f"UPDATE {table} SET id = id + 100 WHERE id = 2")
        changed = _digest(su, table, key)
        assert changed.rows == before.rows and changed.content_hash != before.content_hash
        other = _digest(su, table, BackupKey.from_setting(BackupKey.generate()))
        assert other.content_hash != changed.content_hash


def test_v1_manifests_still_load_and_check(key: BackupKey) -> None:
    v1 = Manifest(name="oxkair-20250101T000000Z-abcdef", created_at="2025-01-01T00:00:00+00:00",
                  database="oxkair", server_version="15.8", schema_version="0030_backup_role",
                  migrations=["0030_backup_role"], tables={"auth.users": TableDigest(1, "00" * 32)},
                  key_id=key.key_id, format=FORMAT_V1, compression="")
    v1.sign(key)
    body = dataclasses.asdict(v1)
    del body["compression"]  # what a v1 manifest on disk looks like
    loaded = Manifest.from_json(json.dumps(body))
    loaded.check_signature(key)
    assert loaded.format == FORMAT_V1 and loaded.compression == ""
    assert Manifest.from_json(loaded.to_json()).compression == ""
    with pytest.raises(CorruptBackupError, match="unknown manifest format"):
        Manifest.from_json(json.dumps({**body, "format": "oxkair-backup/9"}))
    assert FORMAT != FORMAT_V1


# ───────────────────────────────────────────── the data section, loaded on two connections
SCRIPT = b"""--
-- PostgreSQL database dump
--

\\restrict abc

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
SET row_security = off;

--
-- Data for Name: loaded; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.loaded (id, note) FROM stdin;
%(rows)s\\.

COPY public.empty (id) FROM stdin;
\\.

SELECT pg_catalog.setval('public.loaded_seq',
  %(count)d, true);

\\unrestrict abc
"""


def _script(count: int) -> bytes:
    rows = b"".join(b"%d\tline %d with a tab\\there and a backslash \\\\. \\\\\n" % (i, i)
                    for i in range(count))
    return SCRIPT.replace(b"%(rows)s", rows).replace(b"%(count)d", str(count).encode())


def _prepare(conn: Connection[Any]) -> None:
    conn.execute("CREATE TABLE public.loaded (id int PRIMARY KEY, note text)")
    conn.execute("CREATE TABLE public.empty (id int)")
    conn.execute("CREATE SEQUENCE public.loaded_seq")


@pytest.mark.parametrize("piece", [1, 7, 100_000])
def test_data_script_loads_on_two_connections(scratch_db: Any, monkeypatch: pytest.MonkeyPatch,
                                              piece: int) -> None:
    import psycopg

    from oxkair.ops import loader

    monkeypatch.setattr(loader, "RUN", 256)  # many runs, cut at row ends, alternating lanes
    params = scratch_db()
    with psycopg.connect(**params, autocommit=True) as conn:
        _prepare(conn)
    script = _script(500)
    data_loader = loader.DataLoader(params)
    for i in range(0, len(script), piece):  # the script arrives in pieces of any size
        data_loader.feed(script[i:i + piece])
    data_loader.finish()
    with psycopg.connect(**params) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT id) FROM public.loaded").fetchone() == (500, 500)
        note = conn.execute("SELECT note FROM public.loaded WHERE id = 42").fetchone()
        assert note == ("line 42 with a tab\there and a backslash \\. \\",)
        assert conn.execute("SELECT count(*) FROM public.empty").fetchone() == (0,)
        assert conn.execute("SELECT last_value FROM public.loaded_seq").fetchone() == (500,)


def test_data_script_failures_are_raised(scratch_db: Any) -> None:
    import psycopg

    from oxkair.errors import OxkairError
    from oxkair.ops.loader import DataLoader

    params = scratch_db()
    with psycopg.connect(**params, autocommit=True) as conn:
        _prepare(conn)
    cut = DataLoader(params)
    cut.feed(_script(10)[:300])
    with pytest.raises(OxkairError, match="middle of a table"):
        cut.finish()
    bad = DataLoader(params)
    with pytest.raises(psycopg.Error):
        bad.feed(_script(10).replace(b"3\tline 3", b"x\tline 3"))
        bad.finish()
    with psycopg.connect(**params) as conn:
        assert conn.execute("SELECT count(*) FROM public.loaded").fetchone() == (0,)
