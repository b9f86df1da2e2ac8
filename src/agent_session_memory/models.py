"""The public data types: what the client returns and the HTTP API sends.

Plain frozen dataclasses; times are timezone-aware UTC ``datetime``. ``to_dict`` / ``from_dict``
(derived by pydantic from the types) give the JSON wire form, so the remote transport rebuilds
exactly these types.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")


def to_datetime(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def to_timestamp(dt: datetime | float | int | None) -> float | None:
    if dt is None or isinstance(dt, (int, float)):
        return None if dt is None else float(dt)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class SessionStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    EXPIRED = "expired"


class ThreadStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    WAITING = "waiting"


class EventType(enum.StrEnum):
    SESSION_STARTED = "session_started"
    SESSION_TOUCHED = "session_touched"
    SESSION_ENDED = "session_ended"
    SESSION_EXPIRED = "session_expired"
    SESSION_DELETED = "session_deleted"
    SESSION_COMMITTED = "session_committed"
    MEMORY_CREATED = "memory_created"
    MEMORY_MERGED = "memory_merged"
    MEMORY_UPDATED = "memory_updated"
    MEMORY_SUPERSEDED = "memory_superseded"
    MEMORY_FORGOTTEN = "memory_forgotten"


class _Wire:
    """JSON wire form shared by every model, derived from the type by pydantic.

    ``to_dict`` gives JSON-ready data (datetimes as ISO 8601 strings, enums as their values);
    ``from_dict`` rebuilds exactly this type from it: the remote transport's codec.
    """

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _adapter(type(self)).dump_python(self, mode="json")
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Any:
        return _adapter(cls).validate_python(data)


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(cls: type) -> TypeAdapter[Any]:
    """Built once per type (a few milliseconds), then encodes in about a microsecond."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


@dataclass(frozen=True, slots=True)
class ContextItem(_Wire):
    """One working-memory entry with the bookkeeping the commit scorer reads."""

    key: str
    value: Any
    version: int
    importance: float | None = None
    reads: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    committed_version: int | None = None


@dataclass(frozen=True, slots=True)
class Message(_Wire):
    """A chat message on a session, oldest first by ``seq``.

    ``data`` keeps whatever a framework needs to rebuild its own message type exactly (tool calls,
    ids, additional kwargs); ``content`` is always the readable text.
    """

    role: str
    content: str
    seq: int = 0
    name: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_call_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    token_count: int = 0
    status: str = "active"
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Event(_Wire):
    """An entry of a workspace's activity log."""

    id: str
    workspace_id: str
    type: EventType
    at: datetime
    session_id: str | None = None
    memory_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Memory(_Wire):
    """A long-term memory."""

    id: str
    workspace_id: str
    content: str
    type: str = "fact"
    importance: float = 0.5
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    session_id: str | None = None
    source_sessions: list[str] = field(default_factory=list)
    key: str | None = None
    content_hash: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    superseded_by: str | None = None
    valid_until: datetime | None = None
    expires_at: datetime | None = None  # hidden from every read after this, then swept


@dataclass(frozen=True, slots=True)
class RecallHit(_Wire):
    """A recalled memory and its absolute relevance, ``score`` in [0, 1] (docs/recall.md):
    its own relevance ``r = (semantic + 0.7 * lexical) / 1.7``, lifted toward 1 by its session
    context, ``score = r + 0.5 * context * (1 - r)``; comparable across queries and workspaces,
    so ``min_score`` works as a threshold. The parts, each in [0, 1]: ``semantic_score`` the
    cosine similarity (negatives as 0), ``lexical_score`` the IDF-weighted fraction of the
    query's words the memory contains, ``context_score`` the own relevance of its most relevant
    neighbour in its session (the memory of the same ``session_id`` written just before or
    after it; 0 without one); ``recency_score`` (1 now, halving every 30 days) and
    ``importance_score`` only break ties."""

    memory: Memory
    score: float
    semantic_score: float = 0.0
    lexical_score: float = 0.0
    context_score: float = 0.0
    recency_score: float = 0.0
    importance_score: float = 0.0


class _MappingResult(_Wire):
    """Readable as ``result.field`` and as ``result["field"]``: the product doc uses both."""

    def __getitem__(self, name: str) -> Any:
        if name not in self.keys():
            raise KeyError(name)
        return getattr(self, name)

    def keys(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self)]  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)


@dataclass(frozen=True, slots=True)
class CommitResult(_MappingResult):
    session_id: str
    memories_created: int = 0
    memories_updated: int = 0
    duplicates_skipped: int = 0
    below_threshold: int = 0
    memory_ids: list[str] = field(default_factory=list)
    superseded_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportResult(_MappingResult):
    """What an import did: ``imported`` new memories; ids the workspace already held were
    ``skipped`` (``on_conflict="skip"``) or ``replaced`` (``on_conflict="replace"``)."""

    imported: int = 0
    skipped: int = 0
    replaced: int = 0


@dataclass(frozen=True, slots=True)
class OpenThread(_Wire):
    topic: str
    status: ThreadStatus
    last_activity: datetime
    source: str  # "expired_session" | "ended_session" | "working_memory" | "memory"
    session_id: str | None = None
    key: str | None = None
    key_memories: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ActivityEntry(_Wire):
    session_id: str
    started_at: datetime
    last_activity: datetime
    status: SessionStatus
    summary: str
    memories_created: int = 0
    key_decisions: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Briefing(_MappingResult):
    workspace_id: str
    generated_at: datetime
    lookback_hours: float
    workspace_summary: str
    recent_activity: list[ActivityEntry] = field(default_factory=list)
    recent_activity_summary: str = ""
    open_threads: list[OpenThread] = field(default_factory=list)
    memories: list[Memory] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Session(_Wire):
    id: str
    workspace_id: str
    status: SessionStatus
    created_at: datetime
    expires_at: datetime
    ttl_seconds: float
    metadata: dict[str, Any] = field(default_factory=dict)
    ended_at: datetime | None = None
    committed_at: datetime | None = None
    auto_commit: bool = True
    briefing: Briefing | None = None
    commit_result: CommitResult | None = None
    last_activity: datetime | None = None  # the last touch or working-memory/message change
    name: str | None = None


@dataclass(frozen=True, slots=True)
class WorkspaceSummary(_Wire):
    """A workspace at a glance: what an inspector lists before opening one."""

    id: str
    sessions: int = 0
    active_sessions: int = 0
    memories: int = 0
    last_activity: datetime | None = None


@dataclass(frozen=True, slots=True)
class MemoryHistory(_Wire):
    """Where a memory comes from and what became of it: its supersession chain, the commits
    merged into it (``merged_from``: the merged candidates' ids) and its events, oldest first."""

    memory: Memory
    supersedes: list[Memory] = field(default_factory=list)
    superseded_by: Memory | None = None
    merged_from: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def replace(obj: T, **changes: Any) -> T:
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


__all__ = [
    "ActivityEntry",
    "Briefing",
    "CommitResult",
    "ContextItem",
    "Event",
    "EventType",
    "ImportResult",
    "Memory",
    "MemoryHistory",
    "Message",
    "OpenThread",
    "RecallHit",
    "Session",
    "SessionStatus",
    "ThreadStatus",
    "WorkspaceSummary",
]
