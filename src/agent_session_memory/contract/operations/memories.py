"""Long-term memories: remember, recall, read, change, forget, export, import."""

# mypy: disable-error-code="empty-body"
# (the declarations are stubs: never called, read for their signatures)

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ...models import ImportResult, Memory, MemoryHistory, RecallHit
from ..operation import Route, Scope, operation
from .descriptions import (
    MEMORY_ID,
    MEMORY_TTL,
    SESSION_FILTER,
    SINCE,
    TAGS,
    TYPES,
    UNTIL,
    WORKSPACE_ID,
)


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
        "ttl_seconds": MEMORY_TTL,
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
    ttl_seconds: float | None = None,
) -> Memory:
    """Store one long-term memory now, without a session commit."""


@operation(
    service="memories",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/memories/batch", 201),
    idempotent=False,
    params={
        "memories": 'Memories as remember takes them: {"content": "...", "type": "decision", '
        '"importance": 0.8, "tags": [...], "metadata": {...}, "session_id": "...", '
        '"ttl_seconds": 3600}; '
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
        "min_score": "Drop hits scoring below this (0-1). A score is an absolute relevance: "
        "cosine similarity plus 0.7 x the IDF-weighted share of the query's words found, / 1.7.",
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
    min_score: float | None = None,
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
        "ttl_seconds": "Expire this many seconds from now (moves an expiry; none is removed).",
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
    ttl_seconds: float | None = None,
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
        "records": "Records as written by export_workspace (times: ISO 8601 or epoch seconds).",
        "on_conflict": "An id the workspace already holds: error (refuse the whole import, "
        "the default), skip (keep the existing memory) or replace (overwrite it, re-embedded).",
        "workspace_id": WORKSPACE_ID,
    },
)
def import_workspace(
    records: Iterable[Mapping[str, Any]],
    *,
    on_conflict: str = "error",
    workspace_id: str | None = None,
) -> ImportResult:
    """Load exported records into a workspace; returns how many were imported, skipped, replaced.

    All or nothing: every record is checked first (a bad one is named, ``records[N]``); an id
    repeated in the import is refused, and so (by default) is one already in the workspace,
    with nothing written.
    """
