"""``memory://``: the reference session store, plain dicts behind one lock.

It defines the behaviour the SQLite and Redis stores must match (the conformance suite runs all
three). Records go in and come out as copies, so callers never alias the store's state.

Choices every store shares: a write without ``importance`` keeps the key's earlier importance;
``get_context`` returns ``reads`` including the read it counts; a batch applies in order (a key
written twice gets two versions); message ``seq`` is never reused, even after deletes; an event id
seen before is ignored; a lease is re-entrant for its owner (acquiring again extends it, one
release frees it); events and sessions with equal times order by id.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ...errors import Conflict, SessionNotFound
from .base import (
    ContextRecord,
    ContextWrite,
    EventRecord,
    MessageRecord,
    SessionRecord,
    check_key_count,
    check_live,
    check_readable,
    check_version,
)


@dataclass(slots=True)
class _Session:
    """One session's state: its record, working memory and messages (sorted by seq)."""

    record: SessionRecord
    context: dict[str, ContextRecord] = field(default_factory=dict)
    messages: list[MessageRecord] = field(default_factory=list)
    last_seq: int = 0


def _seq(message: MessageRecord) -> int:
    return message.seq


def _event_order(event: EventRecord) -> tuple[float, str]:
    return (event.at, event.id)


class MemorySessionStore:
    """Everything in process memory; gone when the process ends."""

    def __init__(self) -> None:
        self.url = "memory://"
        self._lock = threading.RLock()
        self._sessions: dict[str, _Session] = {}
        self._events: dict[str, list[EventRecord]] = {}
        self._event_ids: set[str] = set()
        self._leases: dict[str, tuple[str, float]] = {}

    # -- helpers ----------------------------------------------------------------------------
    def _get(self, session_id: str) -> _Session:
        state = self._sessions.get(session_id)
        if state is None:
            raise SessionNotFound(f"session {session_id!r} does not exist", session_id=session_id)
        return state

    def _live(self, session_id: str, now: float) -> _Session:
        """The session, if it accepts writes at ``now`` (else the contract's error)."""
        state = self._sessions.get(session_id)
        check_live(state.record if state else None, session_id, now)
        assert state is not None
        return state

    def _readable(self, session_id: str, now: float) -> _Session:
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

    # -- sessions ---------------------------------------------------------------------------
    def create_session(self, record: SessionRecord, event: EventRecord) -> None:
        with self._lock:
            if record.id in self._sessions:
                raise Conflict(f"session {record.id!r} already exists", session_id=record.id)
            self._sessions[record.id] = _Session(copy.deepcopy(record))
            self._add_events([event])

    def get_session(self, session_id: str) -> SessionRecord | None:
        with self._lock:
            state = self._sessions.get(session_id)
            return copy.deepcopy(state.record) if state else None

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
            if record.status != "ended":
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

    # -- working memory ---------------------------------------------------------------------
    def set_context(
        self, session_id: str, writes: Sequence[ContextWrite], now: float, max_keys: int
    ) -> dict[str, int]:
        with self._lock:
            state = self._live(session_id, now)
            versions = _plan_writes(state, writes, max_keys)
            for write in writes:
                _apply_write(state.context, write, now)
            if writes:
                state.record.changed_at = now
            return versions

    def get_context(
        self,
        session_id: str,
        keys: Sequence[str] | None,
        now: float,
        *,
        count_read: bool = True,
        include_expired: bool = False,
    ) -> dict[str, ContextRecord]:
        with self._lock:
            state = self._get(session_id) if include_expired else self._readable(session_id, now)
            context = state.context
            wanted = context.keys() if keys is None else dict.fromkeys(keys)
            result: dict[str, ContextRecord] = {}
            for key in wanted:
                item = context.get(key)
                if item is None:
                    continue
                if count_read:
                    item.reads += 1
                result[key] = replace(item)
            return result

    def delete_context(self, session_id: str, keys: Sequence[str], now: float) -> int:
        with self._lock:
            state = self._live(session_id, now)
            removed = sum(state.context.pop(k, None) is not None for k in dict.fromkeys(keys))
            if removed:
                state.record.changed_at = now
            return removed

    # -- messages ---------------------------------------------------------------------------
    def append_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        with self._lock:
            state = self._live(session_id, now)
            seqs = []
            for message in messages:
                state.last_seq += 1
                state.messages.append(replace(message, seq=state.last_seq))
                seqs.append(state.last_seq)
            if seqs:
                state.record.changed_at = now
            return seqs

    def read_messages(
        self,
        session_id: str,
        now: float,
        *,
        before_seq: int | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        status: str | None = "active",
    ) -> list[MessageRecord]:
        with self._lock:
            messages = self._readable(session_id, now).messages
            end = (
                len(messages)
                if before_seq is None
                else bisect.bisect_left(messages, before_seq, key=_seq)
            )
            order = range(end - 1, -1, -1) if newest_first else range(end)
            page: list[MessageRecord] = []
            for i in order:
                if limit is not None and len(page) >= limit:
                    break
                if status is None or messages[i].status == status:
                    page.append(replace(messages[i]))
            return page

    def count_messages(self, session_id: str, now: float, status: str | None = "active") -> int:
        with self._lock:
            messages = self._readable(session_id, now).messages
            return sum(1 for m in messages if status is None or m.status == status)

    def set_message_status(
        self, session_id: str, seqs: Sequence[int], status: str, now: float
    ) -> int:
        with self._lock:
            state = self._live(session_id, now)
            wanted = set(seqs)
            changed = 0
            for message in state.messages:
                if message.seq in wanted:
                    message.status = status
                    changed += 1
            if changed:
                state.record.changed_at = now
            return changed

    def delete_messages(self, session_id: str, seqs: Sequence[int] | None, now: float) -> int:
        with self._lock:
            state = self._live(session_id, now)
            before = len(state.messages)
            if seqs is None:
                state.messages.clear()
            else:
                wanted = set(seqs)
                state.messages = [m for m in state.messages if m.seq not in wanted]
            removed = before - len(state.messages)
            if removed:
                state.record.changed_at = now
            return removed

    # -- events and leases ------------------------------------------------------------------
    def append_events(self, events: Sequence[EventRecord]) -> None:
        with self._lock:
            self._add_events(events)

    def list_events(
        self,
        workspace_id: str,
        *,
        since: float | None = None,
        until: float | None = None,
        types: Sequence[str] | None = None,
        session_id: str | None = None,
        limit: int | None = None,
    ) -> list[EventRecord]:
        with self._lock:
            log = self._events.get(workspace_id, [])
            start = 0 if since is None else bisect.bisect_left(log, since, key=lambda e: e.at)
            wanted = None if types is None else set(types)
            result: list[EventRecord] = []
            for event in log[start:]:
                if (until is not None and event.at >= until) or (
                    limit is not None and len(result) >= limit
                ):
                    break
                if wanted is not None and event.type not in wanted:
                    continue
                if session_id is not None and event.session_id != session_id:
                    continue
                result.append(replace(event))
            return result

    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        with self._lock:
            held = self._leases.get(name)
            if held is not None and held[0] != owner and now < held[1]:
                return False
            self._leases[name] = (owner, now + ttl_seconds)
            return True

    def release_lease(self, name: str, owner: str) -> None:
        with self._lock:
            held = self._leases.get(name)
            if held is not None and held[0] == owner:
                del self._leases[name]

    def close(self) -> None:
        """Nothing to release; the data stays until the object is dropped."""


def _plan_writes(state: _Session, writes: Sequence[ContextWrite], max_keys: int) -> dict[str, int]:
    """Check a batch against the current state without changing it; return the new versions.

    Writes apply in order, so a key written twice in one batch gets two versions.
    """
    versions: dict[str, int] = {}
    added = 0
    for write in writes:
        current = versions.get(write.key)
        if current is None:
            item = state.context.get(write.key)
            current = item.version if item else None
            added += item is None
        check_version(write.key, write.expected_version, current)
        versions[write.key] = (current or 0) + 1
    if added:
        check_key_count(state.record.id, len(state.context), added, max_keys)
    return versions


def _apply_write(context: dict[str, ContextRecord], write: ContextWrite, now: float) -> None:
    item = context.get(write.key)
    if item is None:
        context[write.key] = ContextRecord(
            key=write.key,
            value_json=write.value_json,
            version=1,
            importance=write.importance,
            reads=0,
            created_at=now,
            updated_at=now,
        )
    else:
        item.value_json = write.value_json
        item.version += 1
        if write.importance is not None:
            item.importance = write.importance
        item.updated_at = now
