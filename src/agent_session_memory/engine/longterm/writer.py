"""The write protocol: how a change reaches a ``LongTermStore`` so a crash is safe to retry.

Write order: (1) ``stage``: the rows (new, merged, superseded) with ``pending=True``, their
vectors kept beside them, plus merge aliases, in one ``put_rows`` transaction. From here the
write is durable and recall finds it, lexically and by its kept vector; (2) events are emitted
and the caller gets its answer; (3) later, off the caller's path (``index_queue.py``), ``index``
upserts the vectors into the dense index in batches and clears the pending flags. Changes to
existing rows (commit, update) stage under the store's ``locked()``, as does indexing; a new
memory with a fresh id needs no lock. A retried commit candidate finds its deterministic
``memory_id`` (or the alias it was merged under) already there, so each memory is written
exactly once. Events are at most once: a crash between (1) and (2) loses them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ... import crashpoints
from ...clock import Clock
from ...embeddings import Embedder
from ...models import Memory
from ...stores.longterm.base import LongTermStore, Vector
from ...stores.sessions.base import EventRecord
from .embedder_check import EmbedderCheck

Emit = Callable[[list[EventRecord]], Any]
MakeEvent = Callable[..., EventRecord]
#: ``(event type, memory id, event data)``, turned into an ``EventRecord`` when emitted.
PlannedEvent = tuple[str, str, dict[str, Any]]


class Writer:
    """The store, the embedder and the clock, and the one way to write through them."""

    def __init__(
        self,
        store: LongTermStore,
        embedder: Embedder,
        clock: Clock,
        emit: Emit,
        event: MakeEvent,
        staged: Callable[[str], Any] = lambda workspace_id: None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.embedders = EmbedderCheck(store, embedder.name)
        self.clock = clock
        self._emit = emit
        self._event = event
        self._staged = staged

    def now(self) -> float:
        return self.clock.now()

    def embed(self, workspace_id: str, texts: Sequence[str]) -> Vector:
        """Vectors for the workspace's rows, by the embedder its vectors come from (or refused:
        ``embedder_check.py``)."""
        self.embedders.before_write(workspace_id)
        return self.embedder.embed(list(texts))

    def stage(
        self,
        workspace_id: str,
        rows: Sequence[Memory],
        vectors: Mapping[str, Vector],
        aliases: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Step 1 of the write order, then the index queue is told. Changes to existing rows
        call it under ``store.locked()``."""
        if not rows and not aliases:
            return
        self.store.put_rows(workspace_id, rows, aliases=aliases, pending=True, vectors=vectors)
        crashpoints.reached("write.rows_staged")
        self._staged(workspace_id)

    def index(self, workspace_id: str, limit: int | None = None) -> int:
        """Step 3: index pending rows (oldest first, at most ``limit``) with their kept vectors,
        embedding only rows staged without one (before rows kept vectors), then clear their
        flag. How many it indexed. Call under ``store.locked()``."""
        pending = self.store.pending(workspace_id, limit=limit)
        if not pending:
            return 0
        ids = [m.id for m in pending]
        vectors = self.store.row_vectors(workspace_id, ids)
        missing = [m for m in pending if m.id not in vectors]
        if missing:
            fresh = self.embed(workspace_id, [m.content for m in missing])
            vectors.update(zip([m.id for m in missing], fresh, strict=True))
        self.store.put_vectors(workspace_id, pending, vectors)
        crashpoints.reached("write.vectors_indexed")
        self.store.mark_done(workspace_id, ids)
        crashpoints.reached("write.done")
        return len(pending)

    def emit(
        self,
        workspace_id: str,
        events: Sequence[PlannedEvent],
        session_id: str | None = None,
    ) -> None:
        """Step 4: the activity log entries, after the data is written."""
        if events:
            crashpoints.reached("write.before_events")
            self._emit(
                [
                    self._event(workspace_id, t, memory_id=m, session_id=session_id, **d)
                    for t, m, d in events
                ]
            )
