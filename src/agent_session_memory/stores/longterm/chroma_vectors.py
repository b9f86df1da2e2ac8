"""The dense half of a ``LongTermStore`` over ``ChromaStore``, shared by both row stores.

SQLite (embedded) and PostgreSQL (server mode) keep the canonical rows and the lexical index;
vectors with a flat metadata snapshot of their row live in one Chroma collection per workspace
either way, so the dense-index methods are written once here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...models import Memory
from .base import Scored, Vector, check_workspace
from .chroma import ChromaStore
from .filters import MemoryFilter
from .records import chroma_metadata


class ChromaVectors:
    """The dense-index methods of the protocol; the subclass sets ``self.chroma``."""

    chroma: ChromaStore

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
        if len(matrix) == 1:  # recall's path: no count() first (see ChromaStore.query)
            return [self.chroma.query(workspace_id, matrix[0], n, where)]
        return self.chroma.nearest(workspace_id, matrix, where, n)


__all__ = ["ChromaVectors"]
