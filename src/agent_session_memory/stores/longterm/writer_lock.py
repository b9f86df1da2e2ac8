"""The embedded Chroma folder's cross-process writers' lock, with a bounded wait.

An operating-system file lock (``filelock``) dies with its process, so a killed writer frees it
at once; a *stuck* one (stopped, deadlocked, swapping) holds it. Waiting forever for it would
hang every reader and writer of the home, so the wait is bounded (``Settings.lock_timeout_seconds``,
``AGENT_MEMORY_LOCK_TIMEOUT``) and then raises ``BackendUnavailable`` naming the holder, which
each holder writes beside the lock when it takes it.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ...errors import BackendUnavailable

DEFAULT_TIMEOUT = 30.0


class WriterLock:
    """A re-entrant file lock that gives up after ``timeout`` seconds and names its holder."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        from filelock import FileLock

        self.path = path
        self.holder_path = path.with_name(path.name + ".holder")
        self.timeout = timeout
        self._lock = FileLock(str(path))

    def holder(self) -> str:
        """Who took the lock last (pid, host, since when, command), as its holder wrote it."""
        try:
            return self.holder_path.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            return "unknown"

    def held_here(self) -> bool:
        """Whether this thread holds the lock (the lock is per thread, re-entrant)."""
        return bool(self._lock.is_locked)

    @contextmanager
    def attempt(self) -> Iterator[bool]:
        """Take the lock only if it is free now: yields whether it was taken."""
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            yield False
            return
        try:
            if self._lock.lock_counter == 1:
                self._write_holder()
            yield True
        finally:
            self._lock.release()

    @contextmanager
    def hold(self) -> Iterator[None]:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=self.timeout)
        except Timeout:
            raise BackendUnavailable(
                f"the memory home's vector index is locked by another process ({self.holder()}); "
                f"waited {self.timeout:g} s. If that process is stuck, stop it; for many "
                "processes, use server mode (a Chroma server)",
                reason="locked",
                holder=self.holder(),
                lock=str(self.path),
            ) from None
        try:
            if self._lock.lock_counter == 1:
                self._write_holder()
            yield
        finally:
            self._lock.release()

    def _write_holder(self) -> None:
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        command = " ".join(sys.argv[:3])[:200]
        text = f"pid {os.getpid()} on {socket.gethostname()} since {since}: {command}\n"
        with suppress(OSError):  # naming the holder is a courtesy; a full disk must not stop it
            self.holder_path.write_text(text, encoding="utf-8")


__all__ = ["DEFAULT_TIMEOUT", "WriterLock"]
