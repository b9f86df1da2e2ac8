"""``sqlite:///path``: the durable embedded session store (see :mod:`.store`)."""

from __future__ import annotations

from .schema import MIGRATIONS
from .store import SQLiteSessionStore

__all__ = ["MIGRATIONS", "SQLiteSessionStore"]
