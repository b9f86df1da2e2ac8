"""Session stores: working memory, messages, the event log and leases (see ``base``)."""

from __future__ import annotations

from .base import (
    ContextRecord,
    ContextWrite,
    EventRecord,
    MessageRecord,
    SessionRecord,
    SessionStore,
    session_state,
)
from .factory import open_session_store
from .memory import MemorySessionStore
from .sqlite import SQLiteSessionStore

__all__ = [
    "ContextRecord",
    "ContextWrite",
    "EventRecord",
    "MemorySessionStore",
    "MessageRecord",
    "SQLiteSessionStore",
    "SessionRecord",
    "SessionStore",
    "open_session_store",
    "session_state",
]
