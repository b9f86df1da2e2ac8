"""Single memories and whole workspaces: remember, get, update, forget, export, import."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from ... import crashpoints
from ...errors import Conflict, MemoryNotFound
from ...models import EventType, ImportResult, Memory, replace, to_datetime
from ...stores.longterm.base import Vector
from ...stores.longterm.filters import MemoryFilter
from ...stores.longterm.records import content_hash, memory_from_dict
from .writer import Writer

DEFAULT_IMPORTANCE = 0.5
IMPORT_BATCH = 512


def new_memory(workspace_id: str, content: str, now: float, **fields: Any) -> Memory:
    """A fresh memory with a random id (``remember``; commits derive theirs)."""
    session_id = fields.pop("session_id", None)
    importance = fields.pop("importance", None)
    ttl = fields.pop("ttl_seconds", None)
    expires_at = None if ttl is None else to_datetime(now + ttl)
    return Memory(
        id=uuid.uuid4().hex,
        workspace_id=workspace_id,
        content=content,
        importance=DEFAULT_IMPORTANCE if importance is None else importance,
        session_id=session_id,
        source_sessions=[session_id] if session_id else [],
        content_hash=content_hash(content),
        created_at=to_datetime(now),
        updated_at=to_datetime(now),
        expires_at=expires_at,
        **fields,
    )


def remember(w: Writer, memory: Memory) -> Memory:
    """One embedding, one row-store transaction: durable and recallable when it returns (the
    dense index catches up in the background). A fresh id touches no other row: no lock."""
    return remember_many(w, memory.workspace_id, [memory])[0]


def remember_many(w: Writer, workspace_id: str, memories: Sequence[Memory]) -> list[Memory]:
    """Several memories: one batched embedding, one transaction, all or none."""
    if not memories:
        return []
    vectors = w.embed(workspace_id, [m.content for m in memories])
    w.stage(workspace_id, memories, {m.id: v for m, v in zip(memories, vectors, strict=True)})
    for memory in memories:
        w.emit(
            workspace_id,
            [(EventType.MEMORY_CREATED.value, memory.id, {"source": "remember"})],
            memory.session_id,
        )
    return list(memories)


def get(w: Writer, workspace_id: str, memory_id: str) -> Memory:
    memory = w.store.get_rows(workspace_id, [memory_id]).get(memory_id)
    if memory is None:
        raise MemoryNotFound(f"memory {memory_id!r} does not exist", memory_id=memory_id)
    return memory


def _changes(old: Memory, now: float, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields ``update`` sets: given ones (None: unchanged), content with its hash."""
    changes: dict[str, Any] = {"updated_at": to_datetime(now)}
    if fields.get("ttl_seconds") is not None:
        changes["expires_at"] = to_datetime(now + fields["ttl_seconds"])
    for name in ("importance", "type", "metadata"):
        if fields.get(name) is not None:
            changes[name] = fields[name]
    if fields.get("tags") is not None:
        changes["tags"] = list(fields["tags"])
    content = fields.get("content")
    if content is not None and content != old.content:
        changes.update(content=content, content_hash=content_hash(content))
    return changes


def update(w: Writer, workspace_id: str, memory_id: str, **fields: Any) -> Memory:
    """Change the given fields; a new content is re-embedded, else the vector is kept."""
    with w.store.locked():
        old = get(w, workspace_id, memory_id)
        changes = _changes(old, w.now(), fields)
        new = replace(old, **changes)
        # Without new content the row keeps its vector; indexing it again refreshes the
        # index's filter snapshot (tag keys may have gone).
        vectors = {}
        if "content" in changes:
            vectors = {memory_id: w.embed(workspace_id, [new.content])[0]}
        w.stage(workspace_id, [new], vectors)
    fields_changed = sorted(k for k in changes if k != "updated_at")
    w.emit(workspace_id, [(EventType.MEMORY_UPDATED.value, memory_id, {"fields": fields_changed})])
    return new


def forget(w: Writer, workspace_id: str, memory_ids: Sequence[str]) -> int:
    """Dense index first, rows last: a crash in between leaves a row a retry can forget."""
    if not memory_ids:
        return 0
    with w.store.locked():
        w.store.delete_vectors(workspace_id, memory_ids)
        removed = w.store.delete_rows(workspace_id, memory_ids)
    w.emit(workspace_id, [(EventType.MEMORY_FORGOTTEN.value, m, {}) for m in memory_ids])
    return removed


def forget_where(w: Writer, workspace_id: str, flt: MemoryFilter, *, everything: bool) -> int:
    ids = [m.id for m in w.store.list_rows(workspace_id, flt)]
    if everything:
        with w.store.locked():
            w.store.drop_vectors(workspace_id)
    return forget(w, workspace_id, ids)


def export(w: Writer, workspace_id: str, live: MemoryFilter) -> list[dict[str, Any]]:
    """Every memory, superseded ones too, but none ``live`` leaves out (expired ones)."""
    rows = w.store.list_rows(workspace_id, dataclasses.replace(live, include_superseded=True))
    return [m.to_dict() for m in rows]


def import_(
    w: Writer,
    workspace_id: str,
    records: Iterable[Memory | dict[str, Any]],
    on_conflict: str = "error",
) -> ImportResult:
    """Memories (or export's dicts) into ``workspace_id``, re-embedded: all or nothing.

    An id the workspace already holds is, by ``on_conflict``: ``error`` refused (``Conflict``,
    nothing written), ``skip`` left as it is, ``replace`` overwritten. Everything is embedded
    first, then the rows and their vectors go in one transaction.
    """
    memories = [_imported(workspace_id, r) for r in records]
    if not memories:
        return ImportResult()
    vectors: dict[str, Vector] = {}
    for start in range(0, len(memories), IMPORT_BATCH):
        chunk = memories[start : start + IMPORT_BATCH]
        embedded = w.embed(workspace_id, [m.content for m in chunk])
        vectors.update(zip([m.id for m in chunk], embedded, strict=True))
    with w.store.locked():
        existing = w.store.get_rows(workspace_id, [m.id for m in memories])
        if existing and on_conflict == "error":
            _refuse(workspace_id, sorted(existing))
        skipped = len(existing) if on_conflict == "skip" else 0
        if skipped:
            memories = [m for m in memories if m.id not in existing]
        replaced = 0 if skipped else len(existing)
        w.stage(workspace_id, memories, vectors)
        crashpoints.reached("import.rows_staged")
    return ImportResult(imported=len(memories) - replaced, skipped=skipped, replaced=replaced)


def _imported(workspace_id: str, record: Memory | dict[str, Any]) -> Memory:
    memory = record if isinstance(record, Memory) else memory_from_dict(record)
    return replace(memory, workspace_id=workspace_id, content_hash=content_hash(memory.content))


def _refuse(workspace_id: str, existing: Sequence[str]) -> None:
    raise Conflict(
        f"{len(existing)} imported ids already exist in workspace {workspace_id!r} "
        f"(first: {existing[0]!r}); nothing was imported. on_conflict='skip' keeps them, "
        "'replace' overwrites them",
        ids=list(existing[:20]),
        count=len(existing),
    )
