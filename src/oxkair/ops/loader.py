"""The data section of a restore, loaded on two connections at once.

`pg_restore --section=data -f -` turns the dump's data into its script: session settings, then
per table `COPY … FROM stdin;`, the rows, `\\.`, and a few statements (sequence values, large
objects). pg_restore would send a table's rows through one backend, which spends 4-5 s of CPU
parsing and storing the notes of the 100k benchmark; here each COPY runs on two connections,
the rows split between them in 1 MiB runs cut at row ends (in COPY text a newline byte only
ever ends a row), so two backends share the work (measured 25-35 % less time for the notes).
Session settings go to both connections; every other statement runs, in order, on the first.
Each connection loads in one transaction.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

from oxkair.db.connect import ConnParams, connect
from oxkair.errors import OxkairError

LANES = 2
RUN = 1 << 20
_END = b"\\.\n"
_SESSION = (b"SET ", b"SELECT pg_catalog.set_config(")


class _Lane(threading.Thread):
    """One connection, fed statements and rows through a bounded queue."""

    def __init__(self, params: ConnParams, number: int) -> None:
        super().__init__(name=f"oxkair-restore-lane-{number}", daemon=True)
        self.params = params
        self.queue: queue.Queue[tuple[str, bytes]] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with connect(self.params) as conn:
                self._serve(conn)
        except BaseException as exc:  # noqa: BLE001 - handed to the feeding thread
            self.error = exc

    def _serve(self, conn: Any) -> None:
        while True:
            kind, payload = self.queue.get()
            if kind == "sql":
                conn.execute(payload)
            elif kind == "copy":
                with conn.cursor() as cur, cur.copy(payload) as copy:
                    while (item := self.queue.get())[0] == "rows":
                        copy.write(item[1])
            elif kind == "commit":
                conn.commit()
                return
            else:  # "abort": the connection closes, rolling back
                return


class DataLoader:
    """Feed it the script's bytes as they come (`feed`), then `finish()`; or `abort()`."""

    def __init__(self, params: ConnParams, lanes: int = LANES) -> None:
        self._lanes = [_Lane(params, n) for n in range(lanes)]
        for lane in self._lanes:
            lane.start()
        self._buffer = b""
        self._searched = 0  # how much of the buffer holds no end of COPY (searched already)
        self._statement = b""
        self._copying = False
        self._turn = 0

    def _put(self, lane: _Lane, kind: str, payload: bytes = b"") -> None:
        while True:
            self._raise_failure()
            try:
                lane.queue.put((kind, payload), timeout=0.5)
                return
            except queue.Full:
                continue

    def _raise_failure(self) -> None:
        for lane in self._lanes:
            if lane.error is not None:
                raise lane.error

    def feed(self, data: bytes) -> None:
        # Rows are mostly passed on without being copied: only a partial row stays behind.
        self._buffer = self._buffer + data if self._buffer else data
        while self._buffer:
            if not (self._rows() if self._copying else self._sql()):
                return

    def _rows(self) -> bool:
        """Inside a COPY: hand whole rows to the lanes in turn; True once its end was seen."""
        buffer = self._buffer
        if buffer.startswith(_END):
            end = 0
        else:
            found = buffer.find(b"\n" + _END, self._searched)
            end = found + 1 if found >= 0 else -1
        if end < 0:
            self._searched = max(0, len(buffer) - len(_END))
            if len(buffer) >= RUN:
                cut = buffer.rfind(b"\n", 0, len(buffer) - len(_END)) + 1
                if cut > 0:
                    self._put(self._lanes[self._turn], "rows", buffer[:cut])
                    self._turn = (self._turn + 1) % len(self._lanes)
                    self._buffer = buffer[cut:]
                    self._searched = max(0, len(self._buffer) - len(_END))
            return False
        self._searched = 0
        if end:
            self._put(self._lanes[self._turn], "rows", buffer[:end])
            self._turn = (self._turn + 1) % len(self._lanes)
        for lane in self._lanes:
            self._put(lane, "end")
        self._buffer = buffer[end + len(_END):]
        self._copying = False
        return True

    def _sql(self) -> bool:
        """Outside a COPY: complete lines into statements; True if it consumed a line."""
        newline = self._buffer.find(b"\n")
        if newline < 0:
            return False
        line, self._buffer = self._buffer[: newline + 1], self._buffer[newline + 1:]
        text = line.strip()
        if not self._statement and (not text or text.startswith(b"--") or text.startswith(b"\\")):
            return True  # blank lines, comments, psql meta-commands (\restrict)
        if not self._statement and text.startswith(b"COPY ") and text.endswith(b" FROM stdin;"):
            for lane in self._lanes:
                self._put(lane, "copy", text)
            self._copying = True
            return True
        self._statement += line
        if text.endswith(b";"):
            statement, self._statement = self._statement, b""
            targets = self._lanes if statement.startswith(_SESSION) else self._lanes[:1]
            for lane in targets:
                self._put(lane, "sql", statement)
        return True

    def finish(self) -> None:
        """Commit on every connection; raise the first failure."""
        if self._copying or self._statement.strip() or self._buffer.strip():
            self.abort()
            raise OxkairError("backup file is corrupted (its data ends in the middle of a table)")
        try:
            for lane in self._lanes:
                self._put(lane, "commit")
            self._join()
        except BaseException:
            self.abort()  # the other connections roll back rather than wait for more
            raise

    def abort(self) -> None:
        for lane in self._lanes:
            if lane.is_alive() and lane.error is None:
                try:
                    lane.queue.put(("abort", b""), timeout=5)
                except queue.Full:  # pragma: no cover - a stuck lane: its daemon thread dies with us
                    continue
        for lane in self._lanes:
            lane.join(timeout=30)

    def _join(self) -> None:
        for lane in self._lanes:
            lane.join()
        self._raise_failure()
