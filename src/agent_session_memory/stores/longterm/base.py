"""What the engine needs from long-term storage: the ``LongTermStore`` protocol and its contract.

A store keeps three things per workspace: canonical memory rows (the truth: what ``get``,
``list`` and export read, with merge aliases and a ``pending`` flag), a dense index (one vector
per memory, with a snapshot of the row for filtering) and a lexical index over the rows' content.
Embedding stays outside: the engine embeds and hands vectors in, so a store never needs a model.

Contract, for every implementation (``tests/longterm/test_longterm_store_conformance.py``):

- **Workspaces are isolated.** Every call names one workspace; nothing it reads, writes,
  counts or scores (lexical term statistics included) comes from another.
- **Batch first.** Every read and write takes a batch of ids or rows; an empty batch is a no-op,
  and an id repeated in a batch counts once (of repeated rows, the last one wins).
- **Missing is not an error.** A missing id is omitted from a ``dict`` result, ``None`` from a
  single lookup, and skipped (not counted) by a delete; deleting twice is fine.
- **Writes are idempotent.** Putting the same rows or vectors again leaves the same state, so a
  writer may retry any step after a crash. Putting an existing id replaces it in place (its
  position in ``list_rows`` order is kept).
- **Scores: higher is better.** ``search_vectors`` gives cosine similarity in [-1, 1];
  ``search_text`` gives a positive relevance (the summed IDF of the query stems a row holds;
  BM25 in PostgreSQL), unbounded and comparable only within one result list, newest row first
  among equals. Results come best first, at most ``n``.
- **Rows and indexes are written separately.** The engine's write protocol
  (``engine/longterm/writer.py``) puts rows with ``pending=True`` and their vectors kept beside
  them, then (later, in batches) indexes the vectors and clears the flag: a store need not make
  these atomic together, only each call. ``search_vectors`` already finds a pending row by its
  kept vector, so a write is visible to both halves of recall once ``put_rows`` returns.
- **``locked()``** is the writers' lock of the deployment: re-entrant, it excludes other threads
  and, where several processes share the storage (an embedded Chroma folder), other processes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ...models import Memory
from .filters import MemoryFilter

Vector = npt.NDArray[np.float32]


class RankFields(NamedTuple):
    """What recall scores a candidate by, read without the whole row."""

    importance: float
    updated_at: float  # epoch seconds
    content: str
    vector: Vector | None = None  # the vector kept with the row (rows written before: None)


class Neighbours(NamedTuple):
    """Rows' neighbours in their session, read with what recall scores them by."""

    of: dict[str, list[str]]  # row id -> its neighbours matching the filter: before, after
    fields: dict[str, RankFields]  # each of those neighbours'


#: ``(memory id, score)``; higher scores are better.
Scored = tuple[str, float]


@runtime_checkable
class LongTermStore(Protocol):
    """Canonical memory rows, a dense index and a lexical index, per workspace."""

    # -- the writers' lock ----------------------------------------------------------------------
    def locked(self) -> AbstractContextManager[None]:
        """Hold the writers' lock (re-entrant; across processes where storage is shared)."""
        ...

    # -- canonical rows -------------------------------------------------------------------------
    def put_rows(
        self,
        workspace_id: str,
        rows: Sequence[Memory],
        *,
        aliases: Sequence[tuple[str, str]] = (),
        pending: bool = False,
        vectors: Mapping[str, Vector] | None = None,
    ) -> None:
        """Insert or replace ``rows`` (and their lexical entries) and record ``aliases``
        (``(alias id, memory id)``: a candidate id merged into a memory), all or nothing.
        ``pending`` flags the rows until ``mark_done``. ``vectors`` are kept with their rows
        (``row_vectors``); a replaced row given none keeps the one it had. Every row's
        ``workspace_id`` must be ``workspace_id`` (ValueError otherwise)."""
        ...

    def row_vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        """``id -> vector`` kept with the rows (rows without one omitted)."""
        ...

    def pending_workspaces(self) -> list[str]:
        """Workspaces holding pending rows (what a new process finishes indexing)."""
        ...

    def mark_done(self, workspace_id: str, ids: Sequence[str]) -> None:
        """Clear the pending flag of these rows (missing ids are skipped)."""
        ...

    def pending(self, workspace_id: str, *, limit: int | None = None) -> list[Memory]:
        """Rows still flagged pending (their vectors may not be indexed), first written first,
        at most ``limit``."""
        ...

    def get_rows(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        """``id -> row`` for the ids that exist (missing ids omitted)."""
        ...

    def delete_rows(self, workspace_id: str, ids: Sequence[str]) -> int:
        """Delete rows, their lexical entries and aliases pointing at them; how many existed."""
        ...

    def list_rows(
        self,
        workspace_id: str,
        flt: MemoryFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Memory]:
        """Rows matching ``flt``, oldest ``created_at`` first (ties: first inserted first), or
        the exact reverse with ``newest_first``; ``offset`` and ``limit`` page that order."""
        ...

    def workspace_stats(self) -> dict[str, tuple[int, float]]:
        """Each workspace holding rows: its live (not superseded) row count and the newest
        ``updated_at`` (epoch seconds). The one read across workspaces, for operators' views."""
        ...

    def rank_fields(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> dict[str, RankFields]:
        """``id -> RankFields`` for the ids whose row matches ``flt``: what recall scores its
        candidates by (kept vector included), without reading whole rows."""
        ...

    def session_neighbours(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> Neighbours:
        """Each row's neighbours in its session: the rows of the same ``session_id`` written
        just before and just after it, those matching ``flt``, with their ``RankFields``. Rows
        with no such neighbour (no session, say) are left out, as missing ids are.
        One read, because recall lifts a memory whose neighbour is relevant
        (``engine/longterm/session_context.py``) and scores the neighbours it lifts."""
        ...

    def count_rows(self, workspace_id: str) -> int:
        """All rows of the workspace, superseded and pending ones included."""
        ...

    def count_hidden(self, workspace_id: str, at_most: int) -> int:
        """How many more hits recall asks the dense index for: not less than ``min(at_most,
        n)``, ``n`` being the workspace's superseded rows and rows with an expiry, the only
        ones a filter that is not selective (``MemoryFilter.selective``) drops from the dense
        hits (a row of both kinds may count twice). Reads about ``2 * at_most`` entries."""
        ...

    def resolve_alias(self, workspace_id: str, alias: str) -> str | None:
        """The memory id an alias was merged into, or None."""
        ...

    def live_by_hash(self, workspace_id: str, digest: str) -> Memory | None:
        """The newest (``updated_at``, then last inserted) non-superseded row with this hash."""
        ...

    def live_by_key(self, workspace_id: str, key: str) -> Memory | None:
        """The newest non-superseded row made from this working-memory key."""
        ...

    def embedder_of(self, workspace_id: str) -> str | None:
        """The name of the embedder the workspace's vectors come from (None: never recorded).
        Vectors of two models are not comparable, so the engine refuses to mix them
        (``engine/longterm/embedder_check.py``)."""
        ...

    def record_embedder(self, workspace_id: str, name: str, *, replace: bool = False) -> str:
        """Record ``name`` as the workspace's embedder unless one is recorded already (with
        ``replace``: whatever is recorded); the name recorded afterwards, in one transaction."""
        ...

    # -- dense index ----------------------------------------------------------------------------
    def put_vectors(
        self, workspace_id: str, rows: Sequence[Memory], vectors: Mapping[str, Vector]
    ) -> None:
        """Index ``rows``: a row with a vector in ``vectors`` is upserted with it; a row
        without one only refreshes the filter snapshot of its existing vector (none: skipped)."""
        ...

    def get_vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        """``id -> vector`` for the ids indexed (missing ids omitted)."""
        ...

    def delete_vectors(self, workspace_id: str, ids: Sequence[str]) -> None:
        """Remove these ids from the dense index (missing ids are skipped)."""
        ...

    def drop_vectors(self, workspace_id: str) -> None:
        """Remove the workspace's whole dense index (a fresh one is made on the next write)."""
        ...

    def count_vectors(self, workspace_id: str) -> int:
        """How many vectors the workspace's dense index holds."""
        ...

    def search_vectors(
        self, workspace_id: str, queries: Vector, n: int, flt: MemoryFilter | None = None
    ) -> list[list[Scored]]:
        """For each row of ``queries`` (2-D), up to ``n`` ``(id, cosine)`` best first, among
        vectors whose row snapshot matches ``flt`` (None: all, superseded ones included).
        Pending rows count with their kept vector (which replaces an indexed one), matched
        against the row itself. Recall re-checks every hit against the canonical rows."""
        ...

    # -- lexical index --------------------------------------------------------------------------
    def search_text(self, workspace_id: str, query: str, n: int, flt: MemoryFilter) -> list[Scored]:
        """Up to ``n`` rows matching ``flt`` that contain any query term (``text.query_terms``),
        best first, each with a positive score; no terms or no rows: ``[]``."""
        ...

    def term_counts(self, workspace_id: str, query: str) -> tuple[int, list[int]]:
        """The workspace's row count and, for each of ``text.query_terms(query)`` in order,
        how many of its rows the lexical index matches that term in (its document frequency):
        what recall's absolute lexical score weighs the terms by."""
        ...

    def lexical_language(self, workspace_id: str) -> str:
        """The language the workspace's lexical index stems words in (``languages.py``), so
        recall's lexical score compares words as the index does."""
        ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...


def check_workspace(workspace_id: str, rows: Sequence[Memory]) -> None:
    """Refuse rows of another workspace: a store never writes across workspaces."""
    for row in rows:
        if row.workspace_id != workspace_id:
            raise ValueError(
                f"memory {row.id!r} belongs to workspace {row.workspace_id!r}, not {workspace_id!r}"
            )


__all__ = ["LongTermStore", "Neighbours", "RankFields", "Scored", "Vector", "check_workspace"]
