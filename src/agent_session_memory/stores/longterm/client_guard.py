"""A process's guard around its embedded Chroma client: many users at once, one swapper.

Chroma's embedded client takes queries, upserts and deletes from many threads at once (checked
with chromadb 1.5.9: three readers and a writer for 20 s, no error, exact counts). What it cannot
take is being closed and reopened (a stale index, a failure) while another thread uses it. So
threads *use* the client together and a thread *swaps* it alone; a waiting swapper goes first,
so a steady stream of readers cannot starve it. Neither is re-entrant: a thread that uses the
client never swaps it before letting go.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ClientGuard:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._users = 0
        self._swapping = False
        self._swappers_waiting = 0

    @contextmanager
    def using(self) -> Iterator[None]:
        with self._cond:
            while self._swapping or self._swappers_waiting:
                self._cond.wait()
            self._users += 1
        try:
            yield
        finally:
            with self._cond:
                self._users -= 1
                if not self._users:
                    self._cond.notify_all()

    @contextmanager
    def swapping(self) -> Iterator[None]:
        with self._cond:
            self._swappers_waiting += 1
            try:
                while self._swapping or self._users:
                    self._cond.wait()
            finally:
                self._swappers_waiting -= 1
            self._swapping = True
        try:
            yield
        finally:
            with self._cond:
                self._swapping = False
                self._cond.notify_all()


__all__ = ["ClientGuard"]
