"""The reference store's state: plain dicts behind one lock, shared by every concern.

Records go in and come out as copies, so callers never alias the store's state.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ....errors import SessionNotFound
from ..liveness import check_live, check_readable
from ..records import ContextRecord, EventRecord, MessageRecord, SessionRecord


@dataclass(slots=True)
class Session:
    """One session's state: its record, working memory and messages (sorted by seq)."""

    record: SessionRecord
    context: dict[str, ContextRecord] = field(default_factory=dict)
    messages: list[MessageRecord] = field(default_factory=list)
    last_seq: int = 0


def _event_order(event: EventRecord) -> tuple[float, str]:
    return (event.at, event.id)


class MemoryState:
    """Everything in process memory; gone when the process ends."""

    def __init__(self) -> None:
        self.url = "memory://"
        self._lock = threading.RLock()
        self._sessions: dict[str, Session] = {}
        self._events: dict[str, list[EventRecord]] = {}
        self._event_ids: set[str] = set()
        self._leases: dict[str, tuple[str, float]] = {}
        self._names: dict[tuple[str, str], str] = {}

    def _get(self, session_id: str) -> Session:
        state = self._sessions.get(session_id)
        if state is None:
            raise SessionNotFound(f"session {session_id!r} does not exist", session_id=session_id)
        return state

    def _live(self, session_id: str, now: float) -> Session:
        """The session, if it accepts writes at ``now`` (else the contract's error)."""
        state = self._sessions.get(session_id)
        check_live(state.record if state else None, session_id, now)
        assert state is not None
        return state

    def _readable(self, session_id: str, now: float) -> Session:
        state = self._sessions.get(session_id)
        check_readable(state.record if state else None, session_id, now)
        assert state is not None
        return state

    def _add_events(self, events: Sequence[EventRecord]) -> None:
        """Insert events in (at, id) order; an id seen before is ignored (idempotent retries)."""
        for event in events:
            if event.id in self._event_ids:
                continue
            self._event_ids.add(event.id)
            log = self._events.setdefault(event.workspace_id, [])
            bisect.insort(log, replace(event), key=_event_order)

    def close(self) -> None:
        """Nothing to release; the data stays until the object is dropped."""
