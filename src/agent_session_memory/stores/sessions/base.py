"""The session-store protocols: what every working-memory backend must do, split by concern.

:class:`SessionStore` is the composition the engine holds; each concern is its own protocol with
its own contract: :class:`SessionRecords`, :class:`ContextStore`, :class:`MessageLog`,
:class:`EventLog` and :class:`Leases`. ``tests/stores/test_session_store_conformance.py`` checks
every backend (memory, SQLite, Redis) against all of them.

Shared by every concern:

- Times are float epoch seconds passed in by the engine (``now``); stores never read a clock.
- *Live* and *readable* are defined once, in :mod:`.liveness`: live = ``status == "active"``
  and ``now < expires_at``; readable = ended or ``now < expires_at``. The check runs inside the
  same transaction (or Lua script) as the change, so expiry and the write cannot race.
- A missing session raises ``SessionNotFound`` (``get_session`` returns ``None``); missing keys
  and messages are simply absent from results.
- Every multi-row change is atomic: all of it or none of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from .checks import check_key_count, check_version
from .liveness import check_live, check_readable, session_state
from .records import ContextRecord, ContextWrite, EventRecord, MessageRecord, SessionRecord

__all__ = [
    "ContextRecord",
    "ContextStore",
    "ContextWrite",
    "EventLog",
    "EventRecord",
    "Heartbeats",
    "Leases",
    "MessageLog",
    "MessageRecord",
    "SessionRecord",
    "SessionRecords",
    "SessionStore",
    "check_key_count",
    "check_live",
    "check_readable",
    "check_version",
    "session_state",
]


class SessionRecords(Protocol):
    """Session records and their lifecycle.

    ``get_session`` returns ``None`` for a missing id; every other method raises
    ``SessionNotFound``. Records come back as copies, field for field as they went in. Creating,
    ending, committing and deleting append their event in the same transaction. Deleting a
    session removes its working memory and messages; its events stay (they are history).
    """

    def create_session(self, record: SessionRecord, event: EventRecord) -> None:
        """Raises ``Conflict`` when the id exists."""
        ...

    def get_session(self, session_id: str) -> SessionRecord | None: ...

    def open_named_session(
        self, record: SessionRecord, event: EventRecord, now: float
    ) -> tuple[SessionRecord, bool]:
        """Atomic get-or-create by name: the session named ``record.name`` in
        ``record.workspace_id`` when it is live at ``now`` (and False), else ``record`` created
        and named so (and True). A name points at one session at a time; concurrent callers,
        in any number of processes, all get the same session."""
        ...

    def find_named_session(self, workspace_id: str, name: str) -> SessionRecord | None:
        """The session the name points at, whatever its state; None when there is none."""
        ...

    def list_sessions(
        self, workspace_id: str | None, *, limit: int | None = None
    ) -> list[SessionRecord]:
        """Newest first (equal times by id). ``workspace_id=None`` lists every workspace."""
        ...

    def touch_session(self, session_id: str, now: float, ttl_seconds: float) -> SessionRecord:
        """Live sessions only: ``touched_at=now``, ``ttl_seconds``, ``expires_at=now+ttl``."""
        ...

    def end_session(self, session_id: str, now: float, event: EventRecord) -> SessionRecord:
        """Mark a live session ended. An expired session stays expired (ending it must not make
        its working memory readable again); ending twice changes nothing."""
        ...

    def mark_committed(
        self, session_id: str, now: float, versions: Mapping[str, int], event: EventRecord | None
    ) -> None:
        """Record which context versions a commit has turned into memories (any state)."""
        ...

    def delete_session(self, session_id: str, event: EventRecord | None) -> bool:
        """False when there was nothing to delete."""
        ...


class ContextStore(Protocol):
    """A session's key-value working memory.

    Values arrive as JSON text (the engine validated and encoded them once) and leave as JSON
    text. Writes need a live session, reads a readable one. ``version`` of a key starts at 1 and
    grows by 1 on every write; a batch applies in order (a key written twice gets two versions)
    and is refused whole on any ``Conflict`` or ``LimitExceeded``. A write without
    ``importance`` keeps the key's earlier one. Every change moves the session's ``changed_at``.
    """

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
        """``keys=None``: every key. ``count_read`` adds 1 to ``reads`` of each returned key
        (the returned count includes it). ``include_expired`` is for commit and the expiry
        sweep only: it skips the liveness check, not the existence check."""
        ...

    def delete_context(self, session_id: str, keys: Sequence[str], now: float) -> int:
        """How many of ``keys`` existed."""
        ...


class MessageLog(Protocol):
    """A session's ordered chat messages.

    Appending, restatusing and deleting need a live session, reading and counting a readable
    one. ``seq`` is assigned by the store: 1-based, increasing, never reused after deletes.
    """

    def append_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        """Atomic; returns the assigned ``seq`` of each message."""
        ...

    def replace_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        """Atomic: every message (any status) removed and ``messages`` appended, or nothing
        changed. Seqs continue from the last one (never reused). Returns the new seqs."""
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

    def count_messages(self, session_id: str, now: float, status: str | None = "active") -> int:
        """``status=None`` counts every message."""
        ...

    def set_message_status(
        self, session_id: str, seqs: Sequence[int], status: str, now: float
    ) -> int:
        """How many of ``seqs`` exist (their status is now ``status``)."""
        ...

    def delete_messages(self, session_id: str, seqs: Sequence[int] | None, now: float) -> int:
        """``seqs=None`` clears every message. Returns how many were removed."""
        ...


class EventLog(Protocol):
    """A workspace's append-only activity log. An event id seen before is ignored (retries are
    idempotent); events outlive their session."""

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
        """Oldest first (equal times by id), ``since <= at < until``."""
        ...

    def prune_events(self, before: float) -> int:
        """Retention: drop every workspace's events with ``at < before``; how many went."""
        ...


class Leases(Protocol):
    """Cross-process locks with a timeout (commit and sweep use them). A lease is held until
    ``now >= expires_at``; it is re-entrant per owner (acquiring again extends it, one release
    frees it) and only its owner releases it. A lease whose holder is known to be gone is free
    at once (the rule is :func:`.holders.holder_gone`)."""

    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        """True when ``owner`` now holds the lease until ``now + ttl_seconds``."""
        ...

    def release_lease(self, name: str, owner: str) -> None: ...


@runtime_checkable
class Heartbeats(Protocol):
    """Records that processes are alive, for stores shared by several machines (Redis): a lease
    whose holder runs elsewhere is free once its holder's record is absent (``holders.py``)."""

    def beat(self, process: str, ttl_seconds: float) -> None:
        """Record ``process`` as alive for ``ttl_seconds`` from now (the store's clock)."""
        ...

    def beating(self, process: str) -> bool:
        """True while the last :meth:`beat` for ``process`` has not run out."""
        ...


class SessionStore(SessionRecords, ContextStore, MessageLog, EventLog, Leases, Protocol):
    """Sessions, their working memory and messages, the workspace event log and leases."""

    url: str

    def close(self) -> None: ...
