"""zstd between pg_dump and the encryption: a dump as small as gzip's for a tenth of the CPU.

`pg_dump -Fc` compresses with gzip (zlib level 6) in its own single thread: on the 100k-note
benchmark that is 4.3 s of CPU for a 22 MB file, two thirds of the whole dump. We run
`pg_dump -Fc -Z0` and compress its stream here with zstd level 1: 0.4 s of CPU for an 18 MB
file (smaller than gzip's, and decompressed at over 1 GB/s by `verify` and `restore`).
Compression must come before encryption (ciphertext does not compress), so it cannot be left
to the storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import zstandard

from oxkair.ops.crypto import CorruptBackupError

LEVEL = 1  # measured: level 1 is both faster and smaller than 3 on dumps of notes
SLICE = 128 << 10  # input fed at a time: bounds the output of one call on very compressible data


class Compressing:
    """Feeds `write(data)` through zstd into `sink`; `close()` ends the frame."""

    def __init__(self, sink: Callable[[bytes], None], level: int = LEVEL) -> None:
        self._obj = zstandard.ZstdCompressor(level=level).compressobj()
        self._sink = sink

    def write(self, data: bytes) -> None:
        if out := self._obj.compress(data):
            self._sink(out)

    def close(self) -> None:
        self._sink(self._obj.flush())


def decompressed(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The plaintext of one zstd frame; a frame cut short is corruption, not a silent end."""
    obj = zstandard.ZstdDecompressor().decompressobj()
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            for start in range(0, len(view), SLICE):
                if obj.eof:
                    raise CorruptBackupError("backup file is corrupted (data after the end of its dump)")
                if out := obj.decompress(view[start:start + SLICE]):
                    yield out
    except zstandard.ZstdError as exc:
        raise CorruptBackupError("backup file is corrupted (its compressed dump does not decode)") from exc
    if not obj.eof or obj.unused_data:
        raise CorruptBackupError("backup file is corrupted (its compressed dump is cut short or "
                                 "followed by data)")
