"""The session-store protocol: what every working-memory backend must do, and nothing more.

Contract, checked by ``tests/stores/test_session_store_conformance.py`` for every backend:

- Times are float epoch seconds passed in by the engine (``now``); stores never read a clock.
- A session is *live* when ``status == "active"`` and ``now < expires_at``. Operations on a
  session's working memory or messages go through :func:`check_live` (or :func:`check_readable`
  for reads) inside the same transaction as the change, so expiry and the write cannot race.
- Missing keys are simply absent from results; a missing session raises ``SessionNotFound``.
- Values arrive as JSON text (the engine validated and encoded them once) and leave as JSON text.
- Every multi-row change is atomic: all of it or none of it.
- ``version`` of a context key starts at 1 and grows by 1 on every write; ``expected_version=0``
  means "the key must not exist yet".
- Deleting a session removes its working memory and messages; events stay (they are history).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...errors import Conflict, LimitExceeded, SessionEnded, SessionExpired, SessionNotFound


@dataclass(slots=True)
class SessionRecord:
    id: str
    workspace_id: str
    created_at: float
    touched_at: float
    expires_at: float
    ttl_seconds: float
    status: str = "active"  # "active" | "ended"; "expired" is derived from expires_at
    ended_at: float | None = None
    committed_at: float | None = None
    auto_commit: bool = True
    metadata: dict[str, Any] = field(default_factory=dict)
    # Time of the last context or message change: tells "changed since the last commit".
    changed_at: float | None = None


@dataclass(slots=True)
class ContextRecord:
    key: str
    value_json: str
    version: int
    importance: float | None
    reads: int
    created_at: float
    updated_at: float
    committed_version: int | None = None


@dataclass(slots=True)
class ContextWrite:
    key: str
    value_json: str
    importance: float | None = None
    expected_version: int | None = None  # None: unconditional; 0: must not exist; n: must be n


@dataclass(slots=True)
class MessageRecord:
    role: str
    content: str
    token_count: int
    created_at: float
    data_json: str = "{}"  # name, tool_calls, tool_call_id, framework payload
    status: str = "active"
    seq: int = 0  # assigned by the store, 1-based, increasing per session


@dataclass(slots=True)
class EventRecord:
    id: str
    workspace_id: str
    type: str
    at: float
    session_id: str | None = None
    memory_id: str | None = None
    data_json: str = "{}"


def session_state(record: SessionRecord, now: float) -> str:
    """``active``, ``ended`` or ``expired``: the one definition of a session's status."""
    if record.status == "ended":
        return "ended"
    return "active" if now < record.expires_at else "expired"


def check_readable(record: SessionRecord | None, session_id: str, now: float) -> SessionRecord:
    """Working memory of an active or ended session can be read; an expired one never."""
    if record is None:
        raise SessionNotFound(f"session {session_id!r} does not exist", session_id=session_id)
    if session_state(record, now) == "expired":
        raise SessionExpired(f"session {session_id!r} has expired", session_id=session_id)
    return record


def check_live(record: SessionRecord | None, session_id: str, now: float) -> SessionRecord:
    """Only an active, unexpired session accepts writes."""
    record = check_readable(record, session_id, now)
    if record.status == "ended":
        raise SessionEnded(f"session {session_id!r} has ended", session_id=session_id)
    return record


def check_version(key: str, expected: int | None, current: int | None) -> None:
    if expected is None:
        return
    if (current or 0) != expected:
        raise Conflict(
            f"key {key!r} is at version {current or 0}, not {expected}",
            key=key,
            expected_version=expected,
            current_version=current or 0,
        )


def check_key_count(session_id: str, existing: int, adding: int, limit: int) -> None:
    if existing + adding > limit:
        raise LimitExceeded(
            f"session {session_id!r} would hold {existing + adding} keys (limit {limit})",
            limit=limit,
        )


class SessionStore(Protocol):
    """Sessions, their working memory and messages, and the workspace event log."""

    url: str

    # -- sessions -------------------------------------------------------------------------------
    def create_session(self, record: SessionRecord, event: EventRecord) -> None: ...
    def get_session(self, session_id: str) -> SessionRecord | None: ...
    def list_sessions(
        self, workspace_id: str | None, *, limit: int | None = None
    ) -> list[SessionRecord]:
        """Newest first. ``workspace_id=None`` lists every workspace (the expiry sweep)."""
        ...

    def touch_session(self, session_id: str, now: float, ttl_seconds: float) -> SessionRecord:
        """Live sessions only: ``touched_at=now``, ``ttl_seconds``, ``expires_at=now+ttl``."""
        ...

    def end_session(self, session_id: str, now: float, event: EventRecord) -> SessionRecord:
        """Mark ended (an expired session may be ended too). Ending twice changes nothing."""
        ...

    def mark_committed(
        self, session_id: str, now: float, versions: Mapping[str, int], event: EventRecord | None
    ) -> None:
        """Record which context versions a commit has turned into memories."""
        ...

    def delete_session(self, session_id: str, event: EventRecord | None) -> bool: ...

    # -- working memory -------------------------------------------------------------------------
    def set_context(
        self, session_id: str, writes: Sequence[ContextWrite], now: float, max_keys: int
    ) -> dict[str, int]:
        """Atomic batch upsert; returns each key's new version. Raises Conflict, LimitExceeded."""
        ...

    def get_context(
        self,
        session_id: str,
        keys: Sequence[str] | None,
        now: float,
        *,
        count_read: bool = True,
        include_expired: bool = False,
    ) -> dict[str, ContextRecord]:
        """``keys=None``: every key. ``count_read`` adds 1 to ``reads`` of each returned key.
        ``include_expired`` is for commit and the expiry sweep only: it skips the expiry check."""
        ...

    def delete_context(self, session_id: str, keys: Sequence[str], now: float) -> int: ...

    # -- messages -------------------------------------------------------------------------------
    def append_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        """Atomic; returns the assigned ``seq`` of each message."""
        ...

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
        """A page of messages. ``newest_first`` with ``before_seq`` pages backwards in O(page)."""
        ...

    def count_messages(self, session_id: str, now: float, status: str | None = "active") -> int: ...

    def set_message_status(
        self, session_id: str, seqs: Sequence[int], status: str, now: float
    ) -> int: ...

    def delete_messages(self, session_id: str, seqs: Sequence[int] | None, now: float) -> int:
        """``seqs=None`` clears every message."""
        ...

    # -- events and leases ----------------------------------------------------------------------
    def append_events(self, events: Sequence[EventRecord]) -> None: ...
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
        """Oldest first, ``since <= at < until``."""
        ...

    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        """A cross-process lock with a timeout (commit and sweep use it); re-entrant per owner."""
        ...

    def release_lease(self, name: str, owner: str) -> None: ...

    def close(self) -> None: ...
