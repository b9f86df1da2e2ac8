"""Background load for restart tests: clients sending requests while a backend goes away.

Each ``Load`` thread calls ``step(client, i)`` for i = 0, 1, ... until stopped, keeping what each
acknowledged call returned (what must survive), and every failure with how long it took. A
``BackendUnavailable`` is the expected failure while a backend is down; anything else ends the
thread and is kept in ``unexpected`` for the test to report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from agent_session_memory import MemoryClient
from agent_session_memory.errors import BackendUnavailable

Step = Callable[[MemoryClient, int], Any]


class Load(threading.Thread):
    def __init__(self, url: str, workspace_id: str, step: Step) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.workspace_id = workspace_id
        self.step = step
        self.acknowledged: list[Any] = []
        self.failures: list[tuple[float, BackendUnavailable]] = []
        self.unexpected: list[BaseException] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        client = MemoryClient(
            base_url=self.url, workspace_id=self.workspace_id, retries=0, timeout=60
        )
        with client:
            i = 0
            while not self._stop_event.is_set():
                started = time.monotonic()
                try:
                    self.acknowledged.append(self.step(client, i))
                except BackendUnavailable as exc:
                    self.failures.append((time.monotonic() - started, exc))
                    time.sleep(0.05)
                except BaseException as exc:
                    self.unexpected.append(exc)
                    return
                i += 1

    def wait_for(self, what: str, done: Callable[[], bool], within: float = 30) -> None:
        """A bounded wait for the load to reach a state (e.g. failures seen), else fail."""
        deadline = time.monotonic() + within
        while not done():
            assert self.is_alive(), f"the load stopped: {self.unexpected}"
            assert time.monotonic() < deadline, f"the load did not reach {what!r} in {within} s"
            time.sleep(0.05)

    def succeeds(self, times: int = 3) -> None:
        """Wait until ``times`` more calls succeed (the load recovered by itself)."""
        target = len(self.acknowledged) + times
        self.wait_for(f"{times} more successes", lambda: len(self.acknowledged) >= target)

    def fails(self, times: int = 1) -> None:
        target = len(self.failures) + times
        self.wait_for(f"{times} more failures", lambda: len(self.failures) >= target)

    def finish(self) -> None:
        self._stop_event.set()
        self.join(90)
        assert not self.is_alive(), "the load did not stop"
        assert self.unexpected == []


__all__ = ["Load"]
