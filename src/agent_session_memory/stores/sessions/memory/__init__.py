"""``memory://``: the reference session store (see :mod:`.store`)."""

from __future__ import annotations

from .store import MemorySessionStore

__all__ = ["MemorySessionStore"]
