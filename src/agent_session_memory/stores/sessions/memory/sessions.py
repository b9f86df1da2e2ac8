"""Session records in memory."""

from __future__ import annotations

import copy
from collections.abc import Mapping

from ....errors import Conflict
from ..liveness import LIVE, holds
from ..records import EventRecord, SessionRecord
from .state import MemoryState, Session


class MemorySessions(MemoryState):
    """:class:`~..base.SessionRecords`."""

    def create_session(self, record: SessionRecord, event: EventRecord) -> None:
        with self._lock:
            if record.id in self._sessions:
                raise Conflict(f"session {record.id!r} already exists", session_id=record.id)
            self._sessions[record.id] = Session(copy.deepcopy(record))
            self._add_events([event])

    def get_session(self, session_id: str) -> SessionRecord | None:
        with self._lock:
            state = self._sessions.get(session_id)
            return copy.deepcopy(state.record) if state else None

    def open_named_session(
        self, record: SessionRecord, event: EventRecord, now: float
    ) -> tuple[SessionRecord, bool]:
        assert record.name is not None
        with self._lock:
            found = self.find_named_session(record.workspace_id, record.name)
            if found is not None and holds(LIVE, found.status, found.expires_at, now):
                return found, False
            self.create_session(record, event)
            self._names[(record.workspace_id, record.name)] = record.id
            return copy.deepcopy(record), True

    def find_named_session(self, workspace_id: str, name: str) -> SessionRecord | None:
        with self._lock:
            session_id = self._names.get((workspace_id, name))
            return None if session_id is None else self.get_session(session_id)

    def list_sessions(
        self, workspace_id: str | None, *, limit: int | None = None
    ) -> list[SessionRecord]:
        with self._lock:
            records = [
                s.record
                for s in self._sessions.values()
                if workspace_id is None or s.record.workspace_id == workspace_id
            ]
            records.sort(key=lambda r: (r.created_at, r.id), reverse=True)
            return [copy.deepcopy(r) for r in records[:limit]]

    def touch_session(self, session_id: str, now: float, ttl_seconds: float) -> SessionRecord:
        with self._lock:
            record = self._live(session_id, now).record
            record.touched_at = now
            record.ttl_seconds = ttl_seconds
            record.expires_at = now + ttl_seconds
            return copy.deepcopy(record)

    def end_session(self, session_id: str, now: float, event: EventRecord) -> SessionRecord:
        with self._lock:
            record = self._get(session_id).record
            if holds(LIVE, record.status, record.expires_at, now):  # an expired one stays so
                record.status = "ended"
                record.ended_at = now
                self._add_events([event])
            return copy.deepcopy(record)

    def mark_committed(
        self, session_id: str, now: float, versions: Mapping[str, int], event: EventRecord | None
    ) -> None:
        with self._lock:
            state = self._get(session_id)
            state.record.committed_at = now
            for key, version in versions.items():
                item = state.context.get(key)
                if item is not None:
                    item.committed_version = version
            if event is not None:
                self._add_events([event])

    def delete_session(self, session_id: str, event: EventRecord | None) -> bool:
        with self._lock:
            if self._sessions.pop(session_id, None) is None:
                return False
            if event is not None:
                self._add_events([event])
            return True
