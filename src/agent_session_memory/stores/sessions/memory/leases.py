"""Leases in memory: name -> (owner, expires_at)."""

from __future__ import annotations

from ..holders import holder_gone
from .state import MemoryState


class MemoryLeases(MemoryState):
    """:class:`~..base.Leases`; a lease whose holder process is gone is free (``holders.py``)."""

    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        with self._lock:
            held = self._leases.get(name)
            busy = held is not None and held[0] != owner and now < held[1]
            if busy and held is not None and not holder_gone(held[0]):
                return False
            self._leases[name] = (owner, now + ttl_seconds)
            return True

    def release_lease(self, name: str, owner: str) -> None:
        with self._lock:
            held = self._leases.get(name)
            if held is not None and held[0] == owner:
                del self._leases[name]
