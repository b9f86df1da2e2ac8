"""A memory's history: what it replaced, what replaced it, what was merged into it, its events.

Built from the canonical rows and the workspace's activity log (``memory_*`` events), so it shows
exactly what the commit wrote: supersession (same working-memory key, new value), near-duplicate
merges (``merged_from``), updates and source sessions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..models import EventType, Memory, MemoryHistory, to_timestamp
from ..stores.sessions.base import EventRecord, SessionStore
from . import _convert

RowsOf = Callable[[str, Sequence[str]], Mapping[str, Memory]]
MEMORY_EVENTS = [t.value for t in EventType if t.value.startswith("memory_")]
CLOCK_SLACK = 60.0  # events are stamped by the writer's clock, rows by the commit's


def memory_history(store: SessionStore, rows_of: RowsOf, memory: Memory) -> MemoryHistory:
    """``rows_of(workspace, ids)``: canonical rows by id (``LongTermStore.get_rows``)."""
    ws = memory.workspace_id
    since = (to_timestamp(memory.created_at) or 0.0) - CLOCK_SLACK
    records = store.list_events(ws, since=since, types=MEMORY_EVENTS)
    mine = [r for r in records if _concerns(r, memory.id)]
    predecessors = [
        r.memory_id
        for r in mine
        if r.type == EventType.MEMORY_SUPERSEDED.value
        and r.memory_id is not None
        and r.memory_id != memory.id
    ]
    merged = [
        str(_data(r)["merged_from"])
        for r in mine
        if r.type == EventType.MEMORY_MERGED.value and _data(r).get("merged_from")
    ]
    wanted = [*predecessors, *([memory.superseded_by] if memory.superseded_by else [])]
    rows = rows_of(ws, wanted) if wanted else {}
    return MemoryHistory(
        memory=memory,
        supersedes=[rows[i] for i in dict.fromkeys(predecessors) if i in rows],
        superseded_by=rows.get(memory.superseded_by) if memory.superseded_by else None,
        merged_from=list(dict.fromkeys(merged)),
        events=[_convert.event(r) for r in mine],
    )


def _concerns(record: EventRecord, memory_id: str) -> bool:
    """Its own events, and the supersession of a predecessor by it."""
    if record.memory_id == memory_id:
        return True
    return (
        record.type == EventType.MEMORY_SUPERSEDED.value
        and _data(record).get("superseded_by") == memory_id
    )


def _data(record: EventRecord) -> dict[str, Any]:
    data = json.loads(record.data_json) if record.data_json else {}
    return data if isinstance(data, dict) else {}
