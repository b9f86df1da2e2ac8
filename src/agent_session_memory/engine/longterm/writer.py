"""The write protocol: how a change reaches a ``LongTermStore`` so a crash is safe to retry.

Write order: (1) the rows (new, merged, superseded) with ``pending=True`` plus merge aliases, in
one ``put_rows``; (2) their vectors (``put_vectors``, upsert by id); (3) the pending flags are
cleared; (4) events are emitted. All of it runs under the store's ``locked()``, and every writer
in a workspace first finishes pending rows (``repair``: re-embeds and indexes them). A retried
commit candidate finds its deterministic ``memory_id`` (or the alias it was merged under)
already there, so each memory is written exactly once. Events are at most once: a crash between
(3) and (4) loses them.
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

Emit = Callable[[list[EventRecord]], Any]
MakeEvent = Callable[..., EventRecord]
#: ``(event type, memory id, event data)``, turned into an ``EventRecord`` when emitted.
PlannedEvent = tuple[str, str, dict[str, Any]]


class Writer:
    """The store, the embedder and the clock, and the one way to write through them."""

    def __init__(
        self, store: LongTermStore, embedder: Embedder, clock: Clock, emit: Emit, event: MakeEvent
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.clock = clock
        self._emit = emit
        self._event = event

    def now(self) -> float:
        return self.clock.now()

    def embed(self, texts: Sequence[str]) -> Vector:
        return self.embedder.embed(list(texts))

    def write(
        self,
        workspace_id: str,
        rows: Sequence[Memory],
        vectors: Mapping[str, Vector],
        aliases: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Steps 1-3 of the write order. Call under ``store.locked()``."""
        if not rows:
            return
        self.store.put_rows(workspace_id, rows, aliases=aliases, pending=True)
        crashpoints.reached("write.rows_pending")
        self.store.put_vectors(workspace_id, rows, vectors)
        crashpoints.reached("write.vectors")
        self.store.mark_done(workspace_id, [m.id for m in rows])
        crashpoints.reached("write.done")

    def repair(self, workspace_id: str) -> int:
        """Finish rows a crashed writer left pending: re-embed, index, clear the flag."""
        pending = self.store.pending(workspace_id)
        if pending:
            vectors = self.embed([m.content for m in pending])
            by_id = {m.id: v for m, v in zip(pending, vectors, strict=True)}
            self.store.put_vectors(workspace_id, pending, by_id)
            self.store.mark_done(workspace_id, [m.id for m in pending])
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
