"""The dense index catches up off the caller's path: staged rows are indexed in batches.

A write returns once its rows and their vectors are durable in the row store and found by
recall (``Writer.stage``). This queue then upserts the vectors into the dense index and clears
the rows' pending flag, ``BATCH`` rows at a time under the writers' lock, on one background
thread per process. The thread lets a burst gather for ``GATHER_SECONDS`` first: an embedded
Chroma ``add`` costs about 12 ms whatever its size, so a burst of writes pays it once per batch
instead of once per write (and does not compete with the writes for the CPU one by one), and a
reader waits on the writers' lock for one batch at most. Nothing is lost if the process dies
first: the rows stay pending and searchable by their kept vector, and the next process to open
the store finishes them.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref

from .writer import Writer

BATCH = 512
#: How long the thread lets writes gather before it indexes them (nobody waiting on it).
GATHER_SECONDS = 0.25
#: After a failed batch (the index unreachable, its lock held too long), wait this long.
RETRY_SECONDS = 1.0

log = logging.getLogger(__name__)
_live: weakref.WeakSet[IndexQueue] = weakref.WeakSet()


def _close_all() -> None:
    """At interpreter exit, finish and stop every queue's thread (for clients never closed): a
    daemon thread still inside Chroma's native code while the interpreter tears down crashes
    the process (SIGSEGV)."""
    for queue in list(_live):
        queue.close()


# Before ``atexit`` handlers, which run last-registered first: chromadb's, registered when it is
# first imported (after this module), would stop Chroma before the queue could finish. This hook
# (what ``concurrent.futures`` uses) runs at the start of interpreter shutdown.
getattr(threading, "_register_atexit", atexit.register)(_close_all)


class IndexQueue:
    """Workspaces with staged rows, and the thread that indexes them."""

    def __init__(self, writer: Writer) -> None:
        self._writer = writer
        self._due: set[str] = set()
        self._busy = 0
        self._waiters = 0
        self._failing = False
        self._closed = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        _live.add(self)

    def schedule(self, workspace_id: str) -> None:
        """Index this workspace's staged rows soon."""
        with self._cond:
            self._due.add(workspace_id)
            self._start()
            self._cond.notify_all()

    def resume(self) -> None:
        """Schedule every workspace a previous process left rows pending in."""
        for workspace_id in self._writer.store.pending_workspaces():
            self.schedule(workspace_id)

    def index_now(self, workspace_id: str) -> int:
        """Index all of a workspace's staged rows in the caller's thread (bulk writes, tests)."""
        total = 0
        while True:
            with self._writer.store.locked():
                done = self._writer.index(workspace_id, limit=BATCH)
            total += done
            if done < BATCH:
                return total

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is due or being indexed; False on timeout."""
        with self._cond:
            self._waiters += 1  # the thread stops gathering: someone wants it done
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: not self._due and not self._busy, timeout)
            finally:
                self._waiters -= 1

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is due (bounded by ``timeout``; no wait while the index is failing), then
        stop the thread. Rows left pending are finished by the next process."""
        self.wait(0 if self._failing else timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    # -- the thread -----------------------------------------------------------------------------
    def _start(self) -> None:
        """(Re)start the thread: none yet, or this is a forked child the thread did not follow."""
        if self._closed:
            return
        if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="asm-index-queue", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._due or self._closed)
                if not self._due:
                    return
                self._cond.wait_for(lambda: self._closed or self._waiters > 0, GATHER_SECONDS)
                workspace_id = self._due.pop()
                self._busy += 1
            more = self._index_batch(workspace_id)
            with self._cond:
                self._busy -= 1
                if more:
                    self._due.add(workspace_id)
                self._cond.notify_all()

    def _index_batch(self, workspace_id: str) -> bool:
        """One batch; True when the workspace may have more (or the batch failed: retry)."""
        try:
            with self._writer.store.locked():
                more = self._writer.index(workspace_id, limit=BATCH) == BATCH
            self._failing = False
            return more
        except Exception:
            log.warning("indexing workspace %r failed; retrying", workspace_id, exc_info=True)
            with self._cond:
                self._failing = True
                self._cond.notify_all()
                if not self._closed:
                    self._cond.wait(RETRY_SECONDS)
            return not self._closed


__all__ = ["BATCH", "IndexQueue"]
