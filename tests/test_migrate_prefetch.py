"""The cases' first chunks read while the target is made (migrate/prefetch.py): what a worker gets
from the spool is byte for byte what it would read from the source, sealed while it waits, and
only for exactly the chunk it asked for; the end-to-end run is in test_migrate_new_target.py."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest

from oxkair.migrate.classify import classify_source
from oxkair.migrate.conn import SourceSnapshot, source_params
from oxkair.migrate.prefetch import ChunkKey, Prefetch, ids_in
from oxkair.migrate.tables import TABLES, copy_out_query
from tests.fixtures.supabase import Source

CASES = next(spec for spec in TABLES if spec.bulk_load)


@pytest.fixture()
def snapshot(supabase_source: Source) -> Iterator[SourceSnapshot]:
    snap = SourceSnapshot(source_params(supabase_source.url))
    yield snap
    snap.close()


@pytest.fixture()
def prefetch(snapshot: SourceSnapshot) -> Iterator[Prefetch]:
    reader = snapshot.reader()
    spool = Prefetch(reader, CASES)
    yield spool
    spool.close()
    reader.close()


def _keys(snapshot: SourceSnapshot) -> list[ChunkKey]:
    done = classify_source(snapshot.leader, CASES, 10, {})
    skip = sorted(done.quarantined_ids())
    assert skip, "the source has quarantined cases: the keys carry skipped ids"
    return [(n, lo, hi, ids_in(skip, lo, hi)) for n, (lo, hi) in enumerate(done.bounds)]


def _direct(snapshot: SourceSnapshot, key: ChunkKey) -> bytes:
    reader = snapshot.reader()
    try:
        with reader.cursor().copy(copy_out_query(CASES),
                                  {"lo": key[1], "hi": key[2], "skip": list(key[3])}) as cin:
            return b"".join(bytes(block) for block in cin)
    finally:
        reader.close()


def test_a_spooled_chunk_is_the_source_stream_and_sealed_at_rest(snapshot: SourceSnapshot,
                                                                  prefetch: Prefetch) -> None:
    keys = _keys(snapshot)
    assert len(keys) >= 4
    prefetch.run(keys)
    assert prefetch.error is None
    sealed = prefetch._file  # the spool as it lies on disk
    sealed.seek(0)
    at_rest = sealed.read()
    for key in keys[:3]:
        spooled = prefetch.take(key)
        assert spooled is not None
        direct = _direct(snapshot, key)
        assert b"".join(prefetch.stream(spooled)) == direct and len(direct) > 1000
        assert spooled.sha256 == hashlib.sha256(direct).hexdigest() and spooled.size == len(direct)
        middle = len(direct) // 2
        assert direct[middle:middle + 48] not in at_rest  # no case text in clear
    assert prefetch.take(keys[0]) is None  # each chunk is handed over once


def test_it_stops_where_a_worker_got_first(snapshot: SourceSnapshot, prefetch: Prefetch) -> None:
    keys = _keys(snapshot)
    assert prefetch.take(keys[1]) is None  # a worker reads chunk 1 from the source
    prefetch.run(keys)
    assert prefetch.take(keys[0]) is not None
    assert prefetch.take(keys[2]) is None  # never read: the workers were ahead


def test_a_chunk_asked_for_with_other_bounds_or_ids_is_read_from_the_source(
        snapshot: SourceSnapshot, prefetch: Prefetch) -> None:
    """A reclassification (the target refused an earlier table's row) changes what a chunk
    skips: the spooled stream of the old classification must not be loaded."""
    keys = _keys(snapshot)
    prefetch.run(keys[:2])
    chunk_no, lo, hi, skip = keys[0]
    assert prefetch.take((chunk_no, lo, hi, (*skip, "00000000-0000-0000-0000-000000000000"))) is None
    assert prefetch.take((1, keys[1][1], None, keys[1][3])) is None


def test_a_failing_prefetch_leaves_the_chunks_to_the_workers(snapshot: SourceSnapshot) -> None:
    keys = _keys(snapshot)
    reader = snapshot.reader()
    reader.close()  # the source went away under it
    prefetch = Prefetch(reader, CASES)
    try:
        prefetch.run(keys)
        assert prefetch.error is not None
        assert all(prefetch.take(key) is None for key in keys)
    finally:
        prefetch.close()


def test_the_spool_has_no_name_on_disk(prefetch: Prefetch) -> None:
    """O_TMPFILE (or unlinked at once): a killed run leaves no file of cases behind."""
    where = os.readlink(f"/proc/self/fd/{prefetch._file.fileno()}")
    assert where.endswith("(deleted)") or not os.path.exists(where)
