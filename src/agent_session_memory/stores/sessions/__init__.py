"""Session stores: working memory, messages, the event log and leases (see ``base``)."""

from __future__ import annotations

from .base import (
    ContextRecord,
    ContextStore,
    ContextWrite,
    EventLog,
    EventRecord,
    Leases,
    MessageLog,
    MessageRecord,
    SessionRecord,
    SessionRecords,
    SessionStore,
    session_state,
)
from .factory import open_session_store
from .memory import MemorySessionStore
from .sqlite import SQLiteSessionStore

__all__ = [
    "ContextRecord",
    "ContextStore",
    "ContextWrite",
    "EventLog",
    "EventRecord",
    "Leases",
    "MemorySessionStore",
    "MessageLog",
    "MessageRecord",
    "SQLiteSessionStore",
    "SessionRecord",
    "SessionRecords",
    "SessionStore",
    "open_session_store",
    "session_state",
]
