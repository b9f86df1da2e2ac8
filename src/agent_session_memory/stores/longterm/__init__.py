"""Long-term memory stores behind one protocol (``base.LongTermStore``): the in-memory reference
(``memory.py``) and SQLite rows + FTS5 with Chroma vectors (``sqlite_chroma.py``)."""

from .base import LongTermStore
from .memory import InMemoryLongTermStore
from .sqlite_chroma import ChromaSqliteStore

__all__ = ["ChromaSqliteStore", "InMemoryLongTermStore", "LongTermStore"]
