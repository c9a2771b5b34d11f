"""Where `oxkair migrate run` may be killed in the resumability tests (tests/test_migrate_*):
inert unless OXKAIR_MIGRATE_TEST_KILL=<point>:<n> is set, then SIGKILL at the n-th <point>.
A real crash cannot be injected from outside at an exact point, so the points are named here;
production runs pay one string comparison per chunk."""

from __future__ import annotations

import os
import signal
import threading


class KillSwitch:
    """SIGKILLs this process at the n-th named point (OXKAIR_MIGRATE_TEST_KILL=<point>:<n>)."""

    def __init__(self) -> None:
        spec = os.environ.get("OXKAIR_MIGRATE_TEST_KILL", "")
        point, _, count = spec.partition(":")
        self.point = point
        self.remaining = int(count) if count.isdigit() else 0
        self._lock = threading.Lock()

    def hit(self, point: str) -> None:
        if not self.point or point != self.point:
            return
        with self._lock:
            self.remaining -= 1
            if self.remaining <= 0:
                os.kill(os.getpid(), signal.SIGKILL)
