"""Long-term memory: remember, recall (hybrid), commit (dedup, merge, supersede), forget.

Stores: canonical rows + FTS5 in SQLite (``stores/longterm/lexical.py``), vectors in Chroma
(``stores/longterm/chroma.py``). Inputs arrive validated (``memory_ops.py``).

Write order, the reason a crash at any step is safe to retry: (1) one SQLite transaction writes
every new/merged/superseded row with ``pending=1`` plus merge aliases, (2) Chroma upserts by id,
(3) the pending flags are cleared, (4) events are emitted. Every later writer in the workspace
first finishes pending rows (re-embeds and upserts them), and a retried candidate finds its
deterministic ``memory_id`` (or the alias it was merged under) already there, so each memory is
written exactly once. Events are at most once: a crash between (3) and (4) loses them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..clock import Clock
from ..config import Settings
from ..embeddings import Embedder, MiniLMEmbedder, as_embedder
from ..errors import ConfigurationError, MemoryNotFound
from ..models import EventType, Memory, RecallHit, replace, to_datetime, to_timestamp
from ..stores.longterm.chroma import ChromaStore
from ..stores.longterm.dedup import NEAR_DUPLICATE_THRESHOLD, same_fact
from ..stores.longterm.filters import MemoryFilter
from ..stores.longterm.fusion import FusionConfig, fuse
from ..stores.longterm.lexical import LexicalStore
from ..stores.longterm.records import chroma_metadata, content_hash, memory_from_dict
from ..stores.sessions.base import EventRecord
from .candidates import Candidate, CommitOutcome

DEFAULT_IMPORTANCE = 0.5

Emit = Callable[[list[EventRecord]], Any]
MakeEvent = Callable[..., EventRecord]


@dataclass(slots=True)
class _Plan:
    """What one commit will write: rows, their vectors, aliases and the outcome."""

    rows: dict[str, Memory] = field(default_factory=dict)
    vectors: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    outcome: CommitOutcome = field(default_factory=CommitOutcome)


OWNED_BY = "_owned_by"


def owned(memory: Memory) -> bool:
    """A memory another writer keeps in step with its own copy (``metadata["_owned_by"]``, e.g.
    the LangGraph store's items): commits never merge into it, so both keep agreeing."""
    return isinstance(memory.metadata, dict) and bool(memory.metadata.get(OWNED_BY))


def _lexical_path(settings: Settings) -> str:
    url = settings.lexical_url
    if url is None:
        return str(settings.home / "memories.db")
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :]
    raise ConfigurationError(
        f"lexical_url {url!r} is not supported yet (only sqlite:///path); recall will not fall "
        "back to dense-only silently, so fix the setting or unset AGENT_MEMORY_LEXICAL_URL"
    )


class LongTermMemory:
    """One memory home's long-term side (or a Chroma server plus the shared lexical index)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        emit: Emit,
        event: MakeEvent,
        embedding_function: Any = None,
        fusion: FusionConfig | None = None,
        near_duplicate_threshold: float = NEAR_DUPLICATE_THRESHOLD,
    ) -> None:
        from pathlib import Path

        self.settings = settings
        self.clock = clock
        self._emit = emit
        self._event = event
        self.fusion = fusion or FusionConfig()
        self.threshold = near_duplicate_threshold
        self.embedder: Embedder = (
            as_embedder(embedding_function)
            if embedding_function is not None
            else MiniLMEmbedder(settings.embedding_model_path)
        )
        self.lexical = LexicalStore(Path(_lexical_path(settings)))
        self.chroma = (
            ChromaStore(url=settings.chroma_url)
            if settings.chroma_url
            else ChromaStore(settings.home / "chroma")
        )

    # -- helpers --------------------------------------------------------------------------------
    def _now(self) -> float:
        return self.clock.now()

    def _embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.embedder.embed(list(texts))

    def _emit_events(
        self,
        workspace_id: str,
        events: Sequence[tuple[str, str, dict[str, Any]]],
        session_id: str | None = None,
    ) -> None:
        if events:
            self._emit(
                [
                    self._event(workspace_id, t, memory_id=m, session_id=session_id, **d)
                    for t, m, d in events
                ]
            )

    def _write(
        self,
        workspace_id: str,
        rows: Sequence[Memory],
        vectors: dict[str, npt.NDArray[np.float32]],
        aliases: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Steps 1-3 of the write order (see the module docstring). Call under ``locked()``."""
        if not rows:
            return
        with self.lexical.transaction() as db:
            for memory in rows:
                self.lexical.put(db, memory, pending=True)
            for alias, target in aliases:
                self.lexical.add_alias(db, workspace_id, alias, target)
        self._index(workspace_id, rows, vectors)
        self.lexical.mark_done(workspace_id, [m.id for m in rows])

    def _index(
        self, workspace_id: str, rows: Sequence[Memory], vectors: dict[str, npt.NDArray[np.float32]]
    ) -> None:
        with_vec = [m for m in rows if m.id in vectors]
        if with_vec:
            self.chroma.upsert(
                workspace_id,
                [m.id for m in with_vec],
                np.stack([vectors[m.id] for m in with_vec]),
                [chroma_metadata(m) for m in with_vec],
                [m.content for m in with_vec],
            )
        meta_only = [m for m in rows if m.id not in vectors]
        self.chroma.update_metadata(
            workspace_id, [m.id for m in meta_only], [chroma_metadata(m) for m in meta_only]
        )

    def repair(self, workspace_id: str) -> int:
        """Finish rows a crashed writer left pending: re-embed, upsert, clear the flag."""
        pending = self.lexical.pending(workspace_id)
        if pending:
            vectors = self._embed([m.content for m in pending])
            self._index(
                workspace_id, pending, {m.id: v for m, v in zip(pending, vectors, strict=True)}
            )
            self.lexical.mark_done(workspace_id, [m.id for m in pending])
        return len(pending)

    # -- remember / get / list / update ---------------------------------------------------------
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
    ) -> Memory:
        now = to_datetime(self._now())
        memory = Memory(
            id=uuid.uuid4().hex,
            workspace_id=workspace_id,
            content=content,
            type=type,
            importance=DEFAULT_IMPORTANCE if importance is None else importance,
            tags=list(tags),
            metadata=dict(metadata or {}),
            session_id=session_id,
            source_sessions=[session_id] if session_id else [],
            key=key,
            content_hash=content_hash(content),
            created_at=now,
            updated_at=now,
        )
        vector = self._embed([content])[0]
        with self.chroma.locked():
            self.repair(workspace_id)
            self._write(workspace_id, [memory], {memory.id: vector})
        self._emit_events(
            workspace_id,
            [(EventType.MEMORY_CREATED.value, memory.id, {"source": "remember"})],
            session_id,
        )
        return memory

    def get(self, workspace_id: str, memory_id: str) -> Memory:
        memory = self.lexical.get(workspace_id, memory_id)
        if memory is None:
            raise MemoryNotFound(f"memory {memory_id!r} does not exist", memory_id=memory_id)
        return memory

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
    ) -> Memory:
        with self.chroma.locked():
            old = self.get(workspace_id, memory_id)
            changes: dict[str, Any] = {"updated_at": to_datetime(self._now())}
            for name, value in (("importance", importance), ("type", type), ("metadata", metadata)):
                if value is not None:
                    changes[name] = value
            if tags is not None:
                changes["tags"] = list(tags)
            vectors: dict[str, npt.NDArray[np.float32]] = {}
            if content is not None and content != old.content:
                changes.update(content=content, content_hash=content_hash(content))
                vectors[memory_id] = self._embed([content])[0]
            new = replace(old, **changes)
            if not vectors:  # tag keys may have gone: rewrite the vector with fresh metadata
                vectors = self.chroma.embeddings(workspace_id, [memory_id]) or {
                    memory_id: self._embed([new.content])[0]
                }
            self._write(workspace_id, [new], vectors)
        self._emit_events(
            workspace_id,
            [
                (
                    EventType.MEMORY_UPDATED.value,
                    memory_id,
                    {"fields": sorted(k for k in changes if k != "updated_at")},
                )
            ],
        )
        return new

    # -- forget ---------------------------------------------------------------------------------
    def forget(self, workspace_id: str, memory_ids: Sequence[str]) -> int:
        """Dense index first, rows last: a crash in between leaves a row a retry can forget."""
        if not memory_ids:
            return 0
        with self.chroma.locked():
            self.chroma.delete(workspace_id, memory_ids)
            with self.lexical.transaction() as db:
                removed = self.lexical.remove(db, workspace_id, memory_ids)
        self._emit_events(
            workspace_id, [(EventType.MEMORY_FORGOTTEN.value, m, {}) for m in memory_ids]
        )
        return removed

    def forget_where(self, workspace_id: str, flt: MemoryFilter, *, everything: bool) -> int:
        ids = [m.id for m in self.lexical.select(workspace_id, flt)]
        if everything:
            with self.chroma.locked():
                self.chroma.drop(workspace_id)
        return self.forget(workspace_id, ids)

    # -- export / import ------------------------------------------------------------------------
    def export(self, workspace_id: str) -> list[dict[str, Any]]:
        flt = MemoryFilter(include_superseded=True)
        return [m.to_dict() for m in self.lexical.select(workspace_id, flt)]

    def import_(self, workspace_id: str, records: Iterable[dict[str, Any]]) -> int:
        memories = []
        for data in records:
            memory = memory_from_dict({**data, "workspace_id": workspace_id})
            memories.append(replace(memory, content_hash=content_hash(memory.content)))
        for start in range(0, len(memories), 512):
            chunk = memories[start : start + 512]
            vectors = self._embed([m.content for m in chunk])
            with self.chroma.locked():
                self._write(
                    workspace_id, chunk, {m.id: v for m, v in zip(chunk, vectors, strict=True)}
                )
        return len(memories)

    # -- recall ---------------------------------------------------------------------------------
    def recall(self, workspace_id: str, query: str, k: int, flt: MemoryFilter) -> list[RecallHit]:
        """Dense and lexical lists fused (``fusion.py``); ties broken by importance, recency."""
        depth = max(self.fusion.depth, k)
        vector = self._embed([query])[0]
        # Chroma 1.5.9 pre-filters with ``where`` by scanning metadata (40 ms at 20k vectors,
        # 280 ms at 100k; 1.5 ms without), so only selective filters go to Chroma; the
        # superseded flag alone is checked here on the canonical rows after an over-fetch.
        dense = self.chroma.query(
            workspace_id,
            vector,
            depth if flt.selective else depth + depth // 2,
            flt.chroma_where() if flt.selective else None,
        )
        lexical = self.lexical.search(workspace_id, query, depth, flt)
        rows = self.lexical.get_many(workspace_id, list({i for i, _ in (*dense, *lexical)}))
        keep = {i for i, m in rows.items() if flt.matches(m)}
        dense = [d for d in dense if d[0] in keep][:depth]
        lexical = [x for x in lexical if x[0] in keep]
        fused = fuse(dense, lexical, self.fusion)
        dense_by_id: dict[str, float] = dict(dense)
        lexical_by_id: dict[str, float] = dict(lexical)
        hits = [
            RecallHit(
                memory=rows[i],
                score=score,
                semantic_score=dense_by_id.get(i),
                lexical_score=lexical_by_id.get(i),
            )
            for i, score in fused.items()
        ]
        hits.sort(
            key=lambda h: (
                round(h.score, 9),
                h.memory.importance,
                to_timestamp(h.memory.updated_at) or 0.0,
            ),
            reverse=True,
        )
        return hits[:k]

    # -- commit ---------------------------------------------------------------------------------
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
        vectors = self._embed([c.content for c in candidates])
        with self.chroma.locked():
            self.repair(workspace_id)
            nearest = (
                self._nearest_live(workspace_id, vectors)
                if deduplicate
                else [None] * len(candidates)
            )
            plan = _Plan()
            for cand, vec, near in zip(candidates, vectors, nearest, strict=True):
                self._plan_one(plan, workspace_id, session_id, cand, vec, near, deduplicate)
            self._write(workspace_id, list(plan.rows.values()), plan.vectors, plan.aliases)
        self._emit_events(workspace_id, plan.events, session_id)
        return plan.outcome

    def _nearest_live(
        self, ws: str, vectors: npt.NDArray[np.float32]
    ) -> list[tuple[str, float] | None]:
        """Each vector's nearest live memory; superseded ones are skipped here, not by a Chroma
        ``where`` (which scans metadata: see ``recall``)."""
        found = self.chroma.nearest(ws, vectors, None, n=4)
        rows = self.lexical.get_many(ws, list({i for hits in found for i, _ in hits}))
        return [
            next(((i, s) for i, s in hits if i in rows and rows[i].superseded_by is None), None)
            for hits in found
        ]

    def _existing(self, plan: _Plan, workspace_id: str, memory_id: str) -> Memory | None:
        return plan.rows.get(memory_id) or self.lexical.get(workspace_id, memory_id)

    def _plan_one(
        self,
        plan: _Plan,
        ws: str,
        session_id: str,
        cand: Candidate,
        vec: npt.NDArray[np.float32],
        near: tuple[str, float] | None,
        deduplicate: bool,
    ) -> None:
        mid = cand.memory_id
        done = self._existing(plan, ws, mid)
        alias = self.lexical.resolve_alias(ws, mid) if done is None else None
        if done is not None or alias is not None:  # a retry: written before
            plan.outcome.duplicates.append(mid if done is not None else str(alias))
            return
        digest = content_hash(cand.content)
        if deduplicate:
            same = self._same_content(plan, ws, digest)
            if same is not None:
                plan.outcome.duplicates.append(same.id)
                return
        previous = self._live_key(plan, ws, cand.key)
        if previous is not None and previous.content_hash != digest:
            self._supersede(plan, previous, mid)
        elif deduplicate:
            target = self._near_duplicate(plan, ws, cand.content, vec, near)
            if target is not None:
                self._merge(plan, target, cand, session_id, vec)
                return
        self._create(plan, ws, session_id, cand, vec, digest)

    def _same_content(self, plan: _Plan, ws: str, digest: str) -> Memory | None:
        for m in plan.rows.values():
            if m.content_hash == digest and m.superseded_by is None:
                return m
        return self.lexical.by_hash(ws, digest)

    def _live_key(self, plan: _Plan, ws: str, key: str) -> Memory | None:
        for m in reversed(plan.rows.values()):
            if m.key == key and m.superseded_by is None:
                return m
        found = self.lexical.by_key(ws, key)
        return None if found is None else plan.rows.get(found.id, found)

    def _near_duplicate(
        self,
        plan: _Plan,
        ws: str,
        content: str,
        vec: npt.NDArray[np.float32],
        near: tuple[str, float] | None,
    ) -> Memory | None:
        """The memory stating the same fact (``dedup.same_fact``), if any."""
        best_id, best = near if near is not None else (None, -1.0)
        for mid, other in plan.vectors.items():  # memories planned earlier in this commit
            score = float(np.dot(vec, other))
            if score > best and plan.rows[mid].superseded_by is None:
                best_id, best = mid, score
        if best_id is None or best < self.threshold:
            return None
        memory = self._existing(plan, ws, best_id)
        if memory is None or memory.superseded_by is not None or owned(memory):
            return None
        return memory if same_fact(memory.content, content, best, self.threshold) else None

    def _supersede(self, plan: _Plan, previous: Memory, new_id: str) -> None:
        plan.rows[previous.id] = replace(
            previous, superseded_by=new_id, valid_until=to_datetime(self._now())
        )
        plan.outcome.superseded.append(previous.id)
        plan.events.append(
            (
                EventType.MEMORY_SUPERSEDED.value,
                previous.id,
                {"superseded_by": new_id, "key": previous.key},
            )
        )

    def _merge(
        self,
        plan: _Plan,
        target: Memory,
        cand: Candidate,
        session_id: str,
        vec: npt.NDArray[np.float32],
    ) -> None:
        sources = list(dict.fromkeys([*target.source_sessions, session_id]))
        merged = replace(
            target,
            content=cand.content,
            content_hash=content_hash(cand.content),
            importance=max(target.importance, cand.importance),
            tags=list(dict.fromkeys([*target.tags, *cand.tags])),
            source_sessions=sources,
            key=target.key or cand.key,
            updated_at=to_datetime(self._now()),
        )
        plan.rows[target.id] = merged
        plan.vectors[target.id] = vec
        plan.aliases.append((cand.memory_id, target.id))
        plan.outcome.merged.append(target.id)
        plan.events.append(
            (
                EventType.MEMORY_MERGED.value,
                target.id,
                {"key": cand.key, "merged_from": cand.memory_id},
            )
        )

    def _create(
        self,
        plan: _Plan,
        ws: str,
        session_id: str,
        cand: Candidate,
        vec: npt.NDArray[np.float32],
        digest: str,
    ) -> None:
        now = to_datetime(self._now())
        memory = Memory(
            id=cand.memory_id,
            workspace_id=ws,
            content=cand.content,
            type=cand.type,
            importance=cand.importance,
            tags=list(cand.tags),
            session_id=session_id,
            source_sessions=[session_id],
            key=cand.key,
            content_hash=digest,
            created_at=now,
            updated_at=now,
        )
        plan.rows[memory.id] = memory
        plan.vectors[memory.id] = vec
        plan.outcome.created.append(memory.id)
        plan.events.append(
            (EventType.MEMORY_CREATED.value, memory.id, {"key": cand.key, "source": "commit"})
        )

    def list(
        self, workspace_id: str, flt: MemoryFilter, *, limit: int = 100, offset: int = 0
    ) -> list[Memory]:
        return self.lexical.select(workspace_id, flt, limit=limit, offset=offset)

    def close(self) -> None:
        self.chroma.close()
        self.lexical.close()


__all__ = ["DEFAULT_IMPORTANCE", "NEAR_DUPLICATE_THRESHOLD", "LongTermMemory", "memory_from_dict"]
