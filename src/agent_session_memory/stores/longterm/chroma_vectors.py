"""The dense half of a ``LongTermStore`` over ``ChromaStore``, shared by both row stores.

SQLite (embedded) and PostgreSQL (server mode) keep the canonical rows and the lexical index;
vectors with a flat metadata snapshot of their row live in one Chroma collection per workspace
either way, so the dense-index methods are written once here. Searches add the rows staged
with their vectors but not indexed yet (``staged.py``), so an acknowledged write is found at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...models import Memory
from .base import Scored, Vector, check_workspace
from .chroma import ChromaStore
from .filters import MemoryFilter
from .records import chroma_metadata
from .row_reads import RowBackend
from .staged import with_staged

#: A reader whose embedded index is this many rows behind reopens it (if the writers' lock is
#: free): reopening costs 15-100 ms; adding the rows by their kept vectors costs about 5 us each.
REOPEN_BEHIND = 256


class ChromaVectors:
    """The dense-index methods of the protocol; the subclass sets ``self.chroma`` and
    ``self.rows``."""

    chroma: ChromaStore
    rows: RowBackend

    def put_vectors(
        self, workspace_id: str, rows: Sequence[Memory], vectors: Mapping[str, Vector]
    ) -> None:
        """Rows without a new vector are re-upserted with their stored one: Chroma's ``update``
        merges metadata, so a removed tag's key would otherwise stay behind."""
        check_workspace(workspace_id, rows)
        rows = list({m.id: m for m in rows}.values())  # Chroma refuses a repeated id
        refresh = [m.id for m in rows if m.id not in vectors]
        full = {**self.chroma.embeddings(workspace_id, refresh), **vectors} if refresh else vectors
        indexed = [m for m in rows if m.id in full]
        if indexed:
            self.chroma.upsert(
                workspace_id,
                [m.id for m in indexed],
                np.stack([full[m.id] for m in indexed]),
                [chroma_metadata(m) for m in indexed],
                [m.content for m in indexed],
            )

    def get_vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        return self.chroma.embeddings(workspace_id, list(dict.fromkeys(ids))) if ids else {}

    def delete_vectors(self, workspace_id: str, ids: Sequence[str]) -> None:
        self.chroma.delete(workspace_id, list(dict.fromkeys(ids)))

    def drop_vectors(self, workspace_id: str) -> None:
        self.chroma.drop(workspace_id)

    def count_vectors(self, workspace_id: str) -> int:
        return self.chroma.count(workspace_id)

    def search_vectors(
        self, workspace_id: str, queries: Vector, n: int, flt: MemoryFilter | None = None
    ) -> list[list[Scored]]:
        where = None if flt is None else flt.chroma_where()
        matrix = np.atleast_2d(queries)
        after = self.chroma.snapshot()
        staged = self.rows.staged(workspace_id, after, flt)
        if staged.behind > REOPEN_BEHIND and self.chroma.refresh():
            staged = self.rows.staged(workspace_id, self.chroma.snapshot(), flt)
        # Staged ids are dropped from the index's hits, so ask for more than n; but not for
        # every staged id at once (a query's cost grows with its depth): most are new rows the
        # index lacks. Only if too few hits are left is the index asked again, deep enough.
        depth = n + min(len(staged.ids), 2 * n)
        found = self._nearest(workspace_id, matrix, depth, where)
        if depth < n + len(staged.ids) and any(
            len(hits) == depth and sum(h[0] not in staged.ids for h in hits) < n for hits in found
        ):
            found = self._nearest(workspace_id, matrix, n + len(staged.ids), where)
        return with_staged(found, matrix, staged, n)

    def _nearest(
        self, workspace_id: str, matrix: Vector, depth: int, where: dict[str, Any] | None
    ) -> list[list[Scored]]:
        if len(matrix) == 1:  # recall's path: no count() first (see ChromaStore.query)
            return [self.chroma.query(workspace_id, matrix[0], depth, where)]
        return self.chroma.nearest(workspace_id, matrix, where, depth)

    def row_vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        return self.rows.vectors(workspace_id, list(dict.fromkeys(ids))) if ids else {}

    def pending_workspaces(self) -> list[str]:
        return self.rows.pending_workspaces()


__all__ = ["ChromaVectors"]
