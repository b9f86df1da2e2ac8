"""Every operation a client may ask of an engine, each declared once.

The stub functions below are never called: their signatures are the public Python API (the clients
are generated from them by ``scripts/generate.py``), their docstrings and parameter
descriptions are what the OpenAPI document and the MCP tools publish, and the decorator says which
engine service implements them and where the HTTP API serves them. A test fails when any surface
is missing one of them.
"""

# mypy: disable-error-code="empty-body"
# (the declarations are stubs: never called, read for their signatures)

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ..models import (
    Briefing,
    CommitResult,
    ContextItem,
    Event,
    Memory,
    MemoryHistory,
    Message,
    RecallHit,
    Session,
    WorkspaceSummary,
)
from .operation import Operation, Route, Scope, operation

# Descriptions used by many operations.
SESSION_ID = "The session's id, as returned by create_session."
WORKSPACE_ID = (
    "The workspace (an isolated namespace such as a project or a user); "
    "default: the client's workspace."
)
KEY = "A working-memory key (1-256 characters)."
KEYS = "One key, a list of keys, or none for every key."
IMPORTANCE = "0-1; how much this matters when the session is committed (default: scored)."
MIN_IMPORTANCE = "Working-memory items scored below this are not committed (0-1)."
DEDUPLICATE = "Merge near-duplicates into existing memories instead of adding new ones."
TYPES = "Only memories of this type or these types (e.g. fact, decision, preference)."
TAGS = "Only memories with this tag or at least one of these tags."
MEMORY_ID = "The memory's id."
SEQS = "Message sequence numbers (Message.seq)."
SINCE = "Only after this time (ISO 8601 or epoch seconds)."
UNTIL = "Only before this time (ISO 8601 or epoch seconds)."
SESSION_FILTER = "Only memories that came from this session."


# -- sessions -----------------------------------------------------------------------------------
@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/sessions", 201),
    idempotent=False,
    params={
        "ttl_seconds": "Seconds without a touch before the session expires (default 3600).",
        "workspace_id": WORKSPACE_ID,
        "briefing": "Also return a briefing of the workspace's recent activity (session.briefing).",
        "metadata": "Free JSON metadata kept with the session.",
        "auto_commit": "Commit the session's working memory when it expires (default on).",
    },
)
def create_session(
    ttl_seconds: float | None = None,
    workspace_id: str | None = None,
    *,
    briefing: bool = False,
    metadata: dict[str, Any] | None = None,
    auto_commit: bool | None = None,
) -> Session:
    """Start a session: a span of work with a TTL and its own working memory."""


@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/named-sessions"),
    idempotent=True,
    params={
        "name": "The session's name, unique among the workspace's live sessions (1-256 "
        "characters), e.g. a LangGraph thread id or a chat-store key.",
        "workspace_id": WORKSPACE_ID,
        "ttl_seconds": "TTL of a new session (default 3600); an existing one keeps its own "
        "unless this is given.",
        "metadata": "Free JSON metadata kept with a new session.",
        "auto_commit": "Commit a new session's working memory when it expires (default on).",
    },
)
def open_session(
    name: str,
    workspace_id: str | None = None,
    *,
    ttl_seconds: float | None = None,
    metadata: dict[str, Any] | None = None,
    auto_commit: bool | None = None,
) -> Session:
    """The live session with this name, touched; or, atomically, a new one under the name.

    Concurrent callers (threads, processes, servers) all get the same session. Once the named
    session has ended or expired, the next call starts a new one.
    """


@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/named-sessions"),
    idempotent=True,
    params={"name": "The session's name.", "workspace_id": WORKSPACE_ID},
)
def find_session(name: str, workspace_id: str | None = None) -> Session | None:
    """The live session with this name, or null when it has none (or it ended or expired)."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}"),
    idempotent=True,
    params={"session_id": SESSION_ID},
)
def get_session(session_id: str) -> Session:
    """A session's status, whatever it is (``active``, ``ended`` or ``expired``)."""


@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/sessions"),
    idempotent=True,
    params={
        "workspace_id": WORKSPACE_ID,
        "status": "Only sessions in this state: active, ended or expired.",
        "include_expired": "Include sessions whose TTL has passed.",
        "limit": "At most this many sessions, newest first.",
    },
)
def list_sessions(
    workspace_id: str | None = None,
    *,
    status: str | None = None,
    include_expired: bool = True,
    limit: int = 100,
) -> list[Session]:
    """A workspace's sessions, newest first."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/touch"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "ttl_seconds": "Keep it alive this long from now (default: the session's own TTL).",
    },
)
def touch_session(session_id: str, ttl_seconds: float | None = None) -> Session:
    """Keep a session alive: ``expires_at = now + ttl`` (its own, or ``ttl_seconds``)."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/end"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "commit": "Commit the important working-memory items to long-term memory first.",
        "min_importance": MIN_IMPORTANCE,
        "deduplicate": DEDUPLICATE,
    },
)
def end_session(
    session_id: str,
    commit: bool = False,
    *,
    min_importance: float = 0.5,
    deduplicate: bool = True,
) -> Session:
    """End a session, optionally committing it; its working memory stays readable until deleted."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("DELETE", "/v1/sessions/{session_id}"),
    idempotent=True,
    params={"session_id": SESSION_ID},
)
def delete_session(session_id: str) -> bool:
    """Delete a session, its working memory and messages (its memories stay); True if it existed."""


@operation(
    service="commits",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/commit"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "min_importance": MIN_IMPORTANCE,
        "deduplicate": DEDUPLICATE,
    },
)
def commit_session(
    session_id: str, min_importance: float = 0.5, deduplicate: bool = True
) -> CommitResult:
    """Turn the session's important working-memory items into long-term memories.

    Idempotent: committing twice, or retrying after a failure, creates each memory once.
    """


# -- working memory -----------------------------------------------------------------------------
@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/memory"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "key": KEY,
        "value": "Any JSON value (at most 1 MiB).",
        "importance": IMPORTANCE,
        "expected_version": "Compare-and-set: write only if the key is at this version "
        "(0: only if it does not exist); else a conflict.",
    },
)
def set_context(
    session_id: str,
    key: str,
    value: Any,
    importance: float | None = None,
    *,
    expected_version: int | None = None,
) -> int:
    """Store a JSON value under ``key`` in the session's working memory; returns its version."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/memory/batch"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "items": "Keys and their JSON values, written together.",
        "importance": IMPORTANCE,
    },
)
def set_contexts(
    session_id: str, items: Mapping[str, Any], importance: float | None = None
) -> dict[str, int]:
    """Store several keys atomically; returns each key's new version."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory"),
    idempotent=True,
    params={"session_id": SESSION_ID, "keys": KEYS},
)
def get_context(session_id: str, keys: str | Sequence[str] | None = None) -> Any:
    """One key: its value (None if absent); several: ``{key: value}``; none: everything."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory/item"),
    idempotent=True,
    params={"session_id": SESSION_ID, "key": KEY},
)
def get_context_item(session_id: str, key: str) -> ContextItem | None:
    """One key with its version, importance and read count (None if absent)."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory/items"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "keys": KEYS,
        "peek": "Do not count this as a read (an inspector looking changes no read count).",
    },
)
def get_context_items(
    session_id: str, keys: str | Sequence[str] | None = None, *, peek: bool = False
) -> dict[str, ContextItem]:
    """Keys with their versions, importance and read counts (missing keys absent)."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory/keys"),
    idempotent=True,
    params={"session_id": SESSION_ID, "prefix": "Only keys that start with this."},
)
def list_context_keys(session_id: str, prefix: str | None = None) -> list[str]:
    """Sorted keys (optionally only those starting with ``prefix``); not counted as reads."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/memory/delete"),
    idempotent=True,
    params={"session_id": SESSION_ID, "keys": "One key or a list of keys."},
)
def delete_context(session_id: str, keys: str | Sequence[str]) -> int:
    """Delete keys from the working memory; returns how many existed."""


# -- chat messages ------------------------------------------------------------------------------
@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/messages"),
    idempotent=False,
    params={
        "session_id": SESSION_ID,
        "messages": 'Messages such as {"role": "user", "content": "..."}, oldest first; '
        "optional: name, tool_calls, tool_call_id, data, status.",
    },
)
def add_messages(session_id: str, messages: Sequence[Message | Mapping[str, Any]]) -> list[Message]:
    """Append chat messages to the session, atomically; returns them with their seq numbers."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("PUT", "/v1/sessions/{session_id}/messages"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "messages": "The new history, oldest first (same form as add_messages).",
    },
)
def replace_messages(
    session_id: str, messages: Sequence[Message | Mapping[str, Any]]
) -> list[Message]:
    """Replace every message of the session: all validated first, then swapped atomically."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/messages"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "last_n": "Only the newest N messages.",
        "max_tokens": "Only the newest messages that fit this many tokens (never splits a tool "
        "call from its results; keeps the system message and the newest user message).",
        "status": "Only messages with this status (default active; null: all).",
    },
)
def get_messages(
    session_id: str,
    *,
    last_n: int | None = None,
    max_tokens: int | None = None,
    status: str | None = "active",
) -> list[Message]:
    """The session's messages, oldest first: all, the newest ``last_n`` or what fits ``max_tokens``.

    A token window never splits a tool call from its results, keeps the system message and always
    the newest user message.
    """


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/messages/count"),
    idempotent=True,
    params={"session_id": SESSION_ID, "status": "Only messages with this status (null: all)."},
)
def count_messages(session_id: str, status: str | None = "active") -> int:
    """How many messages the session holds."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("DELETE", "/v1/sessions/{session_id}/messages"),
    idempotent=True,
    params={"session_id": SESSION_ID},
)
def clear_messages(session_id: str) -> int:
    """Delete every message of the session; returns how many there were."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/messages/delete"),
    idempotent=True,
    params={"session_id": SESSION_ID, "seqs": SEQS},
)
def delete_messages(session_id: str, seqs: Sequence[int]) -> int:
    """Delete messages by sequence number; returns how many existed."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/messages/status"),
    idempotent=True,
    params={"session_id": SESSION_ID, "seqs": SEQS, "status": "The new status, e.g. archived."},
)
def set_message_status(session_id: str, seqs: Sequence[int], status: str) -> int:
    """Set the status of messages (e.g. ``archived``); returns how many changed."""


# -- long-term memory ---------------------------------------------------------------------------
@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/memories", 201),
    idempotent=False,
    params={
        "content": "What to remember, as readable text (at most 32 KiB).",
        "type": "The memory's kind: fact, decision, preference, ...",
        "importance": "0-1 (default: scored from the content).",
        "tags": "Labels to filter recall by.",
        "metadata": "Free JSON metadata kept with the memory.",
        "session_id": "The session this memory came from, if any.",
        "workspace_id": WORKSPACE_ID,
    },
)
def remember(
    content: str,
    *,
    type: str = "fact",
    importance: float | None = None,
    tags: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    session_id: str | None = None,
    workspace_id: str | None = None,
) -> Memory:
    """Store one long-term memory now, without a session commit."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/memories/batch", 201),
    idempotent=False,
    params={
        "memories": 'Memories as remember takes them: {"content": "...", "type": "decision", '
        '"importance": 0.8, "tags": [...], "metadata": {...}, "session_id": "..."}; '
        "at most 1,000 a call.",
        "workspace_id": WORKSPACE_ID,
    },
)
def remember_many(
    memories: Sequence[Mapping[str, Any]], *, workspace_id: str | None = None
) -> list[Memory]:
    """Store several long-term memories at once: embedded in one batch, written all or none."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/recall"),
    idempotent=True,
    params={
        "query": "What to look for, in plain words.",
        "k": "How many memories to return at most.",
        "types": TYPES,
        "tags": TAGS,
        "min_importance": "Only memories at least this important (0-1).",
        "since": SINCE,
        "until": UNTIL,
        "session_id": SESSION_FILTER,
        "include_superseded": "Also return memories that newer ones replaced (history).",
        "workspace_id": WORKSPACE_ID,
    },
)
def recall(
    query: str,
    k: int = 5,
    *,
    types: str | Sequence[str] | None = None,
    tags: str | Sequence[str] | None = None,
    min_importance: float | None = None,
    since: datetime | float | None = None,
    until: datetime | float | None = None,
    session_id: str | None = None,
    include_superseded: bool = False,
    workspace_id: str | None = None,
) -> list[RecallHit]:
    """Find long-term memories by meaning and by words (hybrid search), best first."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/memories/{memory_id}"),
    idempotent=True,
    params={"memory_id": MEMORY_ID, "workspace_id": WORKSPACE_ID},
)
def get_memory(memory_id: str, *, workspace_id: str | None = None) -> Memory:
    """One memory by id."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/memories"),
    idempotent=True,
    params={
        "types": TYPES,
        "tags": TAGS,
        "session_id": SESSION_FILTER,
        "include_superseded": "Also list memories that newer ones replaced.",
        "limit": "At most this many memories, newest first.",
        "offset": "Skip this many first (paging).",
        "workspace_id": WORKSPACE_ID,
        "min_importance": "Only memories at least this important (0-1).",
        "since": "Only memories created at or after this time (ISO 8601 or epoch seconds).",
        "until": "Only memories created at or before this time (ISO 8601 or epoch seconds).",
    },
)
def list_memories(
    *,
    types: str | Sequence[str] | None = None,
    tags: str | Sequence[str] | None = None,
    session_id: str | None = None,
    include_superseded: bool = False,
    limit: int = 100,
    offset: int = 0,
    workspace_id: str | None = None,
    min_importance: float | None = None,
    since: datetime | float | None = None,
    until: datetime | float | None = None,
) -> list[Memory]:
    """A workspace's memories, newest first, filtered."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/memories/{memory_id}/history"),
    idempotent=True,
    params={"memory_id": MEMORY_ID, "workspace_id": WORKSPACE_ID},
)
def get_memory_history(memory_id: str, *, workspace_id: str | None = None) -> MemoryHistory:
    """A memory with what it replaced, what replaced it, what was merged into it and its events."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("PATCH", "/v1/memories/{memory_id}"),
    idempotent=True,
    params={
        "memory_id": MEMORY_ID,
        "content": "New content (re-embedded).",
        "importance": "New importance (0-1).",
        "tags": "New tags (replace the old ones).",
        "metadata": "New metadata (replaces the old).",
        "type": "New type.",
        "workspace_id": WORKSPACE_ID,
    },
)
def update_memory(
    memory_id: str,
    *,
    content: str | None = None,
    importance: float | None = None,
    tags: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    type: str | None = None,
    workspace_id: str | None = None,
) -> Memory:
    """Change a memory; what is not given stays as it is."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("DELETE", "/v1/memories/{memory_id}"),
    idempotent=True,
    params={"memory_id": MEMORY_ID, "workspace_id": WORKSPACE_ID},
)
def forget(memory_id: str, *, workspace_id: str | None = None) -> bool:
    """Delete one memory; True if it existed."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/memories/forget"),
    idempotent=True,
    params={
        "types": TYPES,
        "tags": TAGS,
        "session_id": SESSION_FILTER,
        "before": "Only memories created before this time (ISO 8601 or epoch seconds).",
        "everything": "With no other filter: forget the whole workspace (must be explicit).",
        "workspace_id": WORKSPACE_ID,
    },
)
def forget_where(
    *,
    types: str | Sequence[str] | None = None,
    tags: str | Sequence[str] | None = None,
    session_id: str | None = None,
    before: datetime | float | None = None,
    everything: bool = False,
    workspace_id: str | None = None,
) -> int:
    """Forget every memory matching the filter (``everything=True``: the whole workspace)."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/export", lines=True),
    idempotent=True,
    params={"workspace_id": WORKSPACE_ID},
)
def export_workspace(*, workspace_id: str | None = None) -> list[dict[str, Any]]:
    """Every memory of a workspace as JSON-ready records (one JSON line each)."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/import", lines="records"),
    idempotent=True,
    params={
        "records": "Records as written by export_workspace.",
        "workspace_id": WORKSPACE_ID,
    },
)
def import_workspace(
    records: Iterable[Mapping[str, Any]], *, workspace_id: str | None = None
) -> int:
    """Load exported records into a workspace; returns how many were imported.

    All or nothing: every record is checked first (a bad one is named, ``records[N]``), and an id
    repeated in the import or already in the workspace is refused with nothing written.
    """


# -- briefings and activity ---------------------------------------------------------------------
@operation(
    service="briefings",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/sessions/briefing"),
    idempotent=True,
    params={
        "lookback_hours": "How far back recent activity goes.",
        "include_threads": "List open threads (unfinished work) too.",
        "max_memories": "How many top memories to include.",
        "workspace_id": WORKSPACE_ID,
    },
)
def get_briefing(
    lookback_hours: float = 24,
    *,
    include_threads: bool = True,
    max_memories: int = 10,
    workspace_id: str | None = None,
) -> Briefing:
    """What happened lately in a workspace and what is still open: read it at session start."""


@operation(
    service="lifecycle",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/events"),
    idempotent=True,
    params={
        "since": SINCE,
        "until": UNTIL,
        "types": "Only events of these types (e.g. session_started, memory_created).",
        "session_id": "Only events of this session.",
        "limit": "At most this many events, newest last.",
        "workspace_id": WORKSPACE_ID,
    },
)
def list_events(
    *,
    since: datetime | float | None = None,
    until: datetime | float | None = None,
    types: str | Sequence[str] | None = None,
    session_id: str | None = None,
    limit: int | None = None,
    workspace_id: str | None = None,
) -> list[Event]:
    """The workspace's activity log, oldest first."""


@operation(
    service="lifecycle",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/sweep"),
    idempotent=True,
    params={"workspace_id": WORKSPACE_ID},
)
def sweep(*, workspace_id: str | None = None) -> list[CommitResult]:
    """Commit the workspace's expired sessions now (normally done lazily and by ``asm gc``)."""


# -- workspaces ---------------------------------------------------------------------------------
@operation(
    service="workspaces",
    scope=Scope.WORKSPACES,
    route=Route("GET", "/v1/workspaces"),
    idempotent=True,
    params={
        "workspace_ids": "Only these workspaces, listed even when empty (default: every one the "
        "caller reaches: an API key's own, or all of the home's)."
    },
)
def list_workspaces(workspace_ids: str | Sequence[str] | None = None) -> list[WorkspaceSummary]:
    """The workspaces with their session and memory counts and last activity (an overview)."""


OPERATIONS: dict[str, Operation] = {
    op.name: op for op in globals().copy().values() if isinstance(op, Operation)
}
