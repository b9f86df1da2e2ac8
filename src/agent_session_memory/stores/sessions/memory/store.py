"""``memory://``: the reference session store, plain dicts behind one lock (:mod:`.state`).

It defines the behaviour the SQLite and Redis stores must match (the conformance suite runs all
three). Each concern is its own module, as in the SQLite and Redis stores.

Choices every store shares: a write without ``importance`` keeps the key's earlier importance;
``get_context`` returns ``reads`` including the read it counts; a batch applies in order (a key
written twice gets two versions); message ``seq`` is never reused, even after deletes; an event id
seen before is ignored; a lease is re-entrant for its owner (acquiring again extends it, one
release frees it); events and sessions with equal times order by id.
"""

from __future__ import annotations

from ..base import ContextStore, EventLog, Leases, MessageLog, SessionRecords
from .context import MemoryContext
from .events import MemoryEvents
from .leases import MemoryLeases
from .messages import MemoryMessages
from .sessions import MemorySessions

# Each concern implements its protocol on its own (mypy checks these assignments).
CONCERNS: tuple[
    type[SessionRecords], type[ContextStore], type[MessageLog], type[EventLog], type[Leases]
] = (MemorySessions, MemoryContext, MemoryMessages, MemoryEvents, MemoryLeases)


class MemorySessionStore(MemorySessions, MemoryContext, MemoryMessages, MemoryEvents, MemoryLeases):
    """Everything in process memory; gone when the process ends."""
