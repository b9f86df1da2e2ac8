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

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    def holder(self) -> str:
        """Who holds the lock now, as PostgreSQL sees it ("nobody" once it is free)."""
        with unavailable_as_503(self.where), self._pool.connection() as conn:
            row = conn.execute(_HOLDER, (self._key >> 32, self._key & 0xFFFFFFFF)).fetchone()
        if row is None:
            return "nobody"
        name, pid, addr, state, since = row
        seen = f"{state} since {since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" if since else state
        return f"{name or 'a session'} (PostgreSQL backend {pid} from {addr or 'a socket'}, {seen})"

    def _acquire(self) -> None:
        import psycopg.errors

        with unavailable_as_503(self.where):
            conn = self._pool.getconn()
            try:
                self._wait(conn)
            except psycopg.errors.LockNotAvailable:
                self._pool.putconn(conn)
                raise self._timed_out() from None
            except BaseException:
                self._pool.putconn(conn)
                raise
        self._conn = conn

    def _wait(self, conn: Any) -> None:
        """``pg_advisory_lock`` under a ``lock_timeout`` (0 there means forever: at least 1 ms)."""
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (self._timeout_ms(),))
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (self._key,))
        finally:
            conn.execute("RESET lock_timeout")

    def _timeout_ms(self) -> str:
        return f"{max(1, int(self.timeout * 1000))}ms"

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
