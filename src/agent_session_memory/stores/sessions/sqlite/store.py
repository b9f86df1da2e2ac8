"""``sqlite:///path``: the durable embedded session store, one WAL file.

Each concern is its own module (records, context, messages, events, leases) over one
:class:`~.connection.SQLiteConnection` (a connection per thread, transactions); the tables and
their migrations are in :mod:`.schema`. Every change runs in one transaction, and the liveness
check sits inside it (in the statement's ``WHERE``, or read first under ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from ..base import ContextStore, EventLog, Leases, MessageLog, SessionRecords
from .context import SQLiteContext
from .events import SQLiteEvents
from .leases import SQLiteLeases
from .messages import SQLiteMessages
from .sessions import SQLiteSessions

# Each concern implements its protocol on its own (mypy checks these assignments).
CONCERNS: tuple[
    type[SessionRecords], type[ContextStore], type[MessageLog], type[EventLog], type[Leases]
] = (SQLiteSessions, SQLiteContext, SQLiteMessages, SQLiteEvents, SQLiteLeases)


class SQLiteSessionStore(SQLiteSessions, SQLiteContext, SQLiteMessages, SQLiteEvents, SQLiteLeases):
    """Sessions, working memory, messages, events and leases in one SQLite file."""
