"""``LongTermMemory``: the long-term side as the rest of the engine calls it (``engine.longterm``).

A thin facade: wiring (``factory.py``), the write protocol (``writer.py``), recall
(``recall.py``), the commit planner (``planner.py``) and single-memory operations (``crud.py``)
each live in their own module. Inputs arrive validated (``engine/memory_ops.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from ...clock import Clock
from ...config import Settings
from ...errors import ConfigurationError, MemoryNotFound
from ...models import ImportResult, Memory, RecallHit
from ...stores.longterm.base import LongTermStore
from ...stores.longterm.dedup import NEAR_DUPLICATE_THRESHOLD
from ...stores.longterm.filters import MemoryFilter
from ...stores.longterm.relevance import RelevanceConfig
from ..candidates import Candidate, CommitOutcome
from . import crud
from .factory import open_embedder, open_store
from .index_queue import IndexQueue
from .planner import CommitPlanner
from .recall import recall
from .writer import Emit, MakeEvent, Writer


class LongTermMemory:
    """One deployment's long-term memory over a ``LongTermStore`` (default: SQLite + Chroma)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        emit: Emit,
        event: MakeEvent,
        embedding_function: Any = None,
        relevance: RelevanceConfig | None = None,
        near_duplicate_threshold: float = NEAR_DUPLICATE_THRESHOLD,
        longterm_store: LongTermStore | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.relevance = relevance or RelevanceConfig()
        self.threshold = near_duplicate_threshold
        self.embedder = open_embedder(settings, embedding_function)
        if longterm_store is not None and not isinstance(longterm_store, LongTermStore):
            raise ConfigurationError(
                f"longterm_store must implement LongTermStore, not {type(longterm_store).__name__}"
            )
        self.store = longterm_store if longterm_store is not None else open_store(settings)
        self.writer = Writer(
            self.store, self.embedder, clock, emit, event, staged=self._schedule_indexing
        )
        self.index_queue = IndexQueue(self.writer)
        self.index_queue.resume()

    def _schedule_indexing(self, workspace_id: str) -> None:
        self.index_queue.schedule(workspace_id)

    def repair(self, workspace_id: str) -> int:
        """Index every row left pending (by a crash, or still queued); how many it indexed."""
        return self.index_queue.index_now(workspace_id)

    def remember(
        self,
        workspace_id: str,
        content: str,
        *,
        type: str = "fact",
        importance: float | None = None,
        tags: Sequence[str] = (),
        metadata: dict[str, Any] | None = None,
        session_id: str | None = None,
        key: str | None = None,
        ttl_seconds: float | None = None,
    ) -> Memory:
        memory = crud.new_memory(
            workspace_id,
            content,
            self.clock.now(),
            type=type,
            importance=importance,
            tags=list(tags),
            metadata=dict(metadata or {}),
            session_id=session_id,
            key=key,
            ttl_seconds=ttl_seconds,
        )
        return crud.remember(self.writer, memory)

    def remember_many(self, workspace_id: str, items: Sequence[dict[str, Any]]) -> list[Memory]:
        """``items``: validated ``remember`` keyword arguments, one dict a memory."""
        now = self.clock.now()
        memories = [crud.new_memory(workspace_id, now=now, **item) for item in items]
        return crud.remember_many(self.writer, workspace_id, memories)

    def _live(self, flt: MemoryFilter) -> MemoryFilter:
        """Every read hides expired memories (``Memory.expires_at``), whether swept yet or not."""
        return dataclasses.replace(flt, live_at=self.clock.now())

    def get(self, workspace_id: str, memory_id: str) -> Memory:
        memory = crud.get(self.writer, workspace_id, memory_id)
        if not self._live(MemoryFilter(include_superseded=True)).matches(memory):
            raise MemoryNotFound(f"memory {memory_id!r} has expired", memory_id=memory_id)
        return memory

    def sweep_expired(self) -> int:
        """Forget the memories whose ``expires_at`` has passed, in every workspace."""
        flt = MemoryFilter(include_superseded=True, expired_by=self.clock.now())
        forgotten = 0
        for workspace_id in self.store.workspace_stats():
            ids = [m.id for m in self.store.list_rows(workspace_id, flt)]
            forgotten += crud.forget(self.writer, workspace_id, ids)
        return forgotten

    def update(
        self,
        workspace_id: str,
        memory_id: str,
        *,
        content: str | None = None,
        importance: float | None = None,
        tags: Sequence[str] | None = None,
        metadata: dict[str, Any] | None = None,
        type: str | None = None,
        ttl_seconds: float | None = None,
    ) -> Memory:
        return crud.update(
            self.writer,
            workspace_id,
            memory_id,
            content=content,
            importance=importance,
            tags=tags,
            metadata=metadata,
            type=type,
            ttl_seconds=ttl_seconds,
        )

    def forget(self, workspace_id: str, memory_ids: Sequence[str]) -> int:
        return crud.forget(self.writer, workspace_id, memory_ids)

    def forget_where(self, workspace_id: str, flt: MemoryFilter, *, everything: bool) -> int:
        return crud.forget_where(self.writer, workspace_id, flt, everything=everything)

    def export(self, workspace_id: str) -> list[dict[str, Any]]:
        return crud.export(self.writer, workspace_id, self._live(MemoryFilter()))

    def import_(
        self,
        workspace_id: str,
        records: Iterable[Memory | dict[str, Any]],
        on_conflict: str = "error",
    ) -> ImportResult:
        """All or nothing; indexed before it returns (a bulk load, not a hot path)."""
        result = crud.import_(self.writer, workspace_id, records, on_conflict)
        self.index_queue.index_now(workspace_id)
        return result

    def recall(
        self, workspace_id: str, query: str, k: int, flt: MemoryFilter, min_score: float = 0.0
    ) -> list[RecallHit]:
        """Hits scored by absolute relevance (``relevance.py``); ties broken by importance,
        recency."""
        self.writer.embedders.before_read(workspace_id)
        return recall(
            self.store,
            self.embedder,
            self.relevance,
            workspace_id,
            query,
            k,
            self._live(flt),
            now=self.clock.now(),
            min_score=min_score,
        )

    def commit(
        self,
        workspace_id: str,
        session_id: str,
        candidates: Sequence[Candidate],
        deduplicate: bool = True,
    ) -> CommitOutcome:
        """Turn candidates into memories: skip exact duplicates, merge near ones, supersede keys."""
        if not candidates:
            return CommitOutcome()
        vectors = self.writer.embed(workspace_id, [c.content for c in candidates])
        with self.store.locked():
            planner = CommitPlanner(self.store, workspace_id, self.clock.now(), self.threshold)
            plan = planner.run(session_id, candidates, vectors, deduplicate)
            self.writer.stage(workspace_id, list(plan.rows.values()), plan.vectors, plan.aliases)
        # A retry that finds everything written still has the queue finish what a killed
        # process staged (its rows are recallable already, but not indexed).
        self._schedule_indexing(workspace_id)
        self.writer.emit(workspace_id, plan.events, session_id)
        return plan.outcome

    def list(
        self, workspace_id: str, flt: MemoryFilter, *, limit: int = 100, offset: int = 0
    ) -> list[Memory]:
        """Newest first, as the operation promises (paging walks back in time)."""
        return self.store.list_rows(
            workspace_id, self._live(flt), limit=limit, offset=offset, newest_first=True
        )

    def workspace_stats(self) -> dict[str, tuple[int, float]]:
        return self.store.workspace_stats()

    def close(self) -> None:
        self.index_queue.close()
        self.store.close()
