"""The writers' lock of a server-mode deployment: a PostgreSQL session-level advisory lock.

Every API process of a deployment takes the same lock before a long-term write (commit dedup,
supersession, remember), so a near-duplicate check and the write it decides are atomic across
processes, not only across threads. The lock belongs to a database session: when the process
holding it dies, PostgreSQL ends the session and the lock is free at once (no lease to expire).
Within a process it is re-entrant and excludes other threads (an ``RLock`` in front of it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .pg_errors import unavailable_as_503

#: The advisory lock key of long-term writes ("asm_wri"); migrations use another.
WRITERS_LOCK = 0x61736D5F777269


class AdvisoryLock:
    """Re-entrant; holds one pooled connection (and the database lock) while held."""

    def __init__(self, pool: Any, where: str, key: int = WRITERS_LOCK) -> None:
        self._pool = pool
        self.where = where
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

    def _acquire(self) -> None:
        with unavailable_as_503(self.where):
            conn = self._pool.getconn()
            try:
                conn.execute("SELECT pg_advisory_lock(%s)", (self._key,))
            except BaseException:
                self._pool.putconn(conn)
                raise
        self._conn = conn

    def _release(self) -> None:
        conn, self._conn = self._conn, None
        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
        except Exception:  # a lost session has released the lock with it
            conn.close()
        finally:
            self._pool.putconn(conn)


__all__ = ["WRITERS_LOCK", "AdvisoryLock"]
