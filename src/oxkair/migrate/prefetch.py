"""The first chunks of the cases, read from the source while the embedded target is being made.

From an empty working directory one core waits while initdb and the schema run, after the archive
and the classifications (ahead.py) are done: measured at 100k cases, ~1.5 s of it. The copy of a
chunk is source-side work (the source reads and sends it, this process receives and hashes it)
and target-side work (stage, insert); the source side needs no target, so `Prefetch` does it in
that time for the first chunks of public.medical_notes, in chunk order, and the copy workers
take those chunks from it instead of from the source.

The stream goes to an anonymous temporary file (O_TMPFILE where the system has it: no name,
gone when closed or when this process dies), sealed with AES-256-GCM under a key that exists
only in this process: cases are never on disk in clear outside the target. It is bounded
(`MAX_BYTES`) and stops as soon as a worker asks for a chunk it has not started: from then on
the workers are ahead of it. A chunk is handed over only if it was read with exactly the bounds
and skipped ids the worker was given (a reclassification changes them), and with its SHA-256:
the same bytes, so the same checkpoint, as a chunk read by a worker.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import Connection

from oxkair.migrate.tables import TableSpec, copy_out_query

MAX_BYTES = 1 << 30        # of spooled stream at most (disk, not memory)
SEGMENT_BYTES = 1 << 20    # sealed one MiB at a time: memory stays flat
_LENGTH = struct.Struct(">I")

ChunkKey = tuple[int, str | None, str | None, tuple[str, ...]]  # chunk_no, lo, hi, skipped ids


def ids_in(ids: list[str], lo: str | None, hi: str | None) -> tuple[str, ...]:
    """The ids of a sorted list within a chunk's bounds (canonical uuid text sorts like the uuid)."""
    return tuple(i for i in ids if (lo is None or i >= lo) and (hi is None or i < hi))


@dataclass
class Spooled:
    """One chunk's COPY stream, sealed in the spool file."""

    segments: list[tuple[int, int]]  # (offset, sealed length)
    sha256: str
    size: int


class Prefetch:
    """Reads chunks of `spec` into a sealed spool, in order, until the copy catches up."""

    def __init__(self, reader: Connection[Any], spec: TableSpec) -> None:
        self.reader = reader
        self.spec = spec
        self._cond = threading.Condition()
        self._claimed: set[int] = set()
        self._reading: int | None = None
        self._ready: dict[int, tuple[ChunkKey, Spooled]] = {}
        self._stopped = False
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._nonces = 0
        self._file_lock = threading.Lock()
        self.error: BaseException | None = None

    # ------------------------------------------------------------------ the prefetch thread
    def run(self, keys: list[ChunkKey]) -> None:
        """Spool the chunks in order; stop when a worker got ahead, on stop(), or at MAX_BYTES."""
        spooled = 0
        try:
            for key in keys:
                with self._cond:
                    if self._stopped or key[0] in self._claimed or spooled >= MAX_BYTES:
                        return
                    self._reading = key[0]
                chunk = self._spool(key)
                spooled += chunk.size
                with self._cond:
                    self._ready[key[0]] = (key, chunk)
                    self._reading = None
                    self._cond.notify_all()
        except BaseException as exc:  # the workers read from the source instead
            self.error = exc
        finally:
            with self._cond:
                self._reading = None
                self._stopped = True
                self._cond.notify_all()

    def _spool(self, key: ChunkKey) -> Spooled:
        _, lo, hi, skip = key
        digest = hashlib.sha256()
        segments: list[tuple[int, int]] = []
        pending = bytearray()
        size = 0
        params = {"lo": lo, "hi": hi, "skip": list(skip)}
        with self.reader.cursor().copy(copy_out_query(self.spec), params) as cin:
            for block in cin:
                digest.update(block)
                pending += block
                size += len(block)
                if len(pending) >= SEGMENT_BYTES:
                    segments.append(self._seal(pending))
                    pending = bytearray()
        if pending:
            segments.append(self._seal(pending))
        return Spooled(segments, digest.hexdigest(), size)

    def _seal(self, data: bytearray) -> tuple[int, int]:
        with self._file_lock:
            self._nonces += 1
            sealed = self._aead.encrypt(self._nonces.to_bytes(12, "big"), bytes(data), None)
            offset = self._file.seek(0, os.SEEK_END)
            self._file.write(_LENGTH.pack(self._nonces))
            self._file.write(sealed)
            return offset, len(sealed)

    # ------------------------------------------------------------------ the copy workers
    def take(self, key: ChunkKey) -> Spooled | None:
        """The chunk if it was spooled exactly so (waiting while it is being read), else None:
        the worker reads it from the source, and the prefetch goes no further."""
        with self._cond:
            self._claimed.add(key[0])
            while self._reading == key[0]:
                self._cond.wait()
            found = self._ready.pop(key[0], None)
        if found is None or found[0] != key:
            return None
        return found[1]

    def stream(self, chunk: Spooled) -> Iterator[bytes]:
        """The chunk's COPY stream, one opened segment at a time."""
        for offset, length in chunk.segments:
            with self._file_lock:
                self._file.seek(offset)
                (nonce,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
                sealed = self._file.read(length)
            yield self._aead.decrypt(nonce.to_bytes(12, "big"), sealed, None)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def close(self) -> None:
        self.stop()
        self._file.close()
