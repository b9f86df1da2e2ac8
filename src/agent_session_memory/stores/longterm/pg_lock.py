"""The writers' lock of a server-mode deployment: a PostgreSQL session-level advisory lock.

Every API process of a deployment takes the same lock before a long-term write (commit dedup,
supersession, remember), so a near-duplicate check and the write it decides are atomic across
processes, not only across threads. The lock belongs to a database session: when the process
holding it dies, PostgreSQL ends the session and the lock is free at once (no lease to expire).
A *stuck* holder (stopped, deadlocked) keeps it, so the wait is bounded (``lock_timeout``, the
setting the embedded writers' lock uses) and then raises ``BackendUnavailable`` naming the
holder: its ``application_name`` (``asm pid N on HOST``), backend pid and address.
Within a process it is re-entrant and excludes other threads (an ``RLock`` in front of it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

from ...errors import BackendUnavailable
from .pg_errors import unavailable_as_503

#: The advisory lock key of long-term writes ("asm_wri"); migrations use another.
WRITERS_LOCK = 0x61736D5F777269
DEFAULT_TIMEOUT = 30.0

#: Who holds a bigint advisory lock: PostgreSQL splits the key into classid (high 32 bits) and
#: objid (low 32 bits), objsubid 1.
_HOLDER = """
SELECT a.application_name, a.pid, a.client_addr, a.state, a.state_change
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s
  AND l.objsubid = 1
"""


class AdvisoryLock:
    """Re-entrant; holds one pooled connection (and the database lock) while held; waits at
    most ``timeout`` seconds for another session's hold."""

    def __init__(
        self, pool: Any, where: str, key: int = WRITERS_LOCK, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._pool = pool
        self.where = where
        self.timeout = timeout
        self._key = key
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._conn: Any = None
        #: When the database last refused a connection for the lock, and the error it gave.
        self._refused: tuple[float, BackendUnavailable] | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock; wait at most ``timeout`` seconds in all (other threads of this process,
        then other sessions). While the database is down, a thread that queued behind one the
        database refused fails with the same error at once, so N waiting writers do not take
        N connection timeouts to all hear it."""
        started = time.monotonic()
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise self._timed_out()
        try:
            if self._depth == 0:
                self._acquire_after(started)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()
        finally:
            self._thread_lock.release()

    def _acquire_after(self, started: float) -> None:
        refused = self._refused
        if refused is not None and refused[0] > started:
            raise BackendUnavailable(refused[1].message, **refused[1].details)
        try:
            self._acquire(started + self.timeout)
        except BackendUnavailable as exc:
            if exc.details.get("reason") != "locked":
                self._refused = (time.monotonic(), exc)
            raise

    def holder(self) -> str:
        """Who holds the lock now, as PostgreSQL sees it ("nobody" once it is free)."""
        with unavailable_as_503(self.where), self._pool.connection() as conn:
            row = conn.execute(_HOLDER, (self._key >> 32, self._key & 0xFFFFFFFF)).fetchone()
        if row is None:
            return "nobody"
        name, pid, addr, state, since = row
        seen = f"{state} since {since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" if since else state
        return f"{name or 'a session'} (PostgreSQL backend {pid} from {addr or 'a socket'}, {seen})"

    def _acquire(self, deadline: float) -> None:
        import psycopg.errors

        with unavailable_as_503(self.where):
            conn = self._pool.getconn()
            try:
                self._wait(conn, deadline)
            except psycopg.errors.LockNotAvailable:
                self._pool.putconn(conn)
                raise self._timed_out() from None
            except BaseException:
                self._pool.putconn(conn)
                raise
        self._conn = conn

    def _wait(self, conn: Any, deadline: float) -> None:
        """``pg_advisory_lock`` under a ``lock_timeout`` of what is left until ``deadline`` (0
        there means forever: at least 1 ms)."""
        left = f"{max(1, int((deadline - time.monotonic()) * 1000))}ms"
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (left,))
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (self._key,))
        finally:
            conn.execute("RESET lock_timeout")

    def _timed_out(self) -> BackendUnavailable:
        holder = self.holder()
        return BackendUnavailable(
            f"the long-term writers' lock in PostgreSQL at {self.where} is held by {holder}; "
            f"waited {self.timeout:g} s (lock_timeout, AGENT_MEMORY_LOCK_TIMEOUT). If that "
            "process is stuck, stop it (or pg_terminate_backend its backend pid)",
            reason="locked",
            holder=holder,
            lock=f"PostgreSQL advisory lock {self._key:#x} at {self.where}",
        )

    def _release(self) -> None:
        conn, self._conn = self._conn, None
        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
        except Exception:  # a lost session has released the lock with it
            conn.close()
        finally:
            self._pool.putconn(conn)


__all__ = ["DEFAULT_TIMEOUT", "WRITERS_LOCK", "AdvisoryLock"]
