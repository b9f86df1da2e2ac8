"""``redis://host:port/db``: the shared session store (see :mod:`.store`)."""

from __future__ import annotations

from .store import RedisSessionStore

__all__ = ["RedisSessionStore"]
