"""The source side of `migrate run`, started before the target exists (issue 17).

From an empty working directory the run first makes its target (initdb, TLS, schema: seconds in
which one core waits on other processes). A target made now has no migration state, so what the
run would do first on the source cannot depend on it: open the snapshot, check the source's
schema, write the archive, classify every table. `Ahead` starts that work in threads, each on
its own reader of the one snapshot, so it is done (or under way) when the target is ready.

The classifications assume the target will refuse no row of an earlier table; classify.classify
checks that assumption when it records each one, and classifies again where it failed.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from psycopg import Connection

from oxkair.migrate.archive import write_archive
from oxkair.migrate.classify import Classification, classify_source
from oxkair.migrate.conn import SourceSnapshot, describe
from oxkair.migrate.crash_points import KillSwitch
from oxkair.migrate.tables import TABLES, TableSpec


class Ahead:
    """The snapshot, the archive and the classifications of a run whose target is being made
    (a run into an existing target uses it for the archive alone, beside the copy)."""

    def __init__(self, snapshot: SourceSnapshot) -> None:
        self.snapshot = snapshot
        self.archive: Future[str] | None = None
        self.classified: dict[str, Future[Classification]] = {}
        self._readers: list[Connection[Any]] = []
        # One thread classifies the tables in order (each assumes the quarantine of those
        # before it), one writes the archive: two source readers, beside the target's making.
        self._classifier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oxkair-classify")
        self._archiver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oxkair-archive")

    def start_archive(self, directory: Path, key: bytes, kill: KillSwitch) -> None:
        """Write the archive in a thread of its own: it only reads the source."""
        self.archive = self._archiver.submit(write_archive, self._reader(), directory, key,
                                             describe(self.snapshot.params), kill)

    def start_classifying(self, chunk_rows: int) -> None:
        reader = self._reader()
        quarantined: dict[str, list[str]] = {}  # a new target's quarantine: empty

        def classify_next(spec: TableSpec) -> Classification:
            done = classify_source(reader, spec, chunk_rows, quarantined)
            quarantined[spec.target] = done.quarantined_ids()
            return done

        for spec in TABLES:  # its one worker runs them in this order
            self.classified[spec.target] = self._classifier.submit(classify_next, spec)

    def classification(self, table: str) -> Classification | None:
        future = self.classified.get(table)
        return future.result() if future is not None else None

    def _reader(self) -> Connection[Any]:
        reader = self.snapshot.reader()
        self._readers.append(reader)
        return reader

    def close(self) -> None:
        """Wait for the threads (an error of theirs was raised where its result was used)."""
        for future in self.classified.values():
            future.cancel()
        self._classifier.shutdown(wait=True)
        self._archiver.shutdown(wait=True)
        for reader in self._readers:
            reader.close()
