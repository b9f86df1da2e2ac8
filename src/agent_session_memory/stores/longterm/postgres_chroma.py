"""The server-mode ``LongTermStore``: rows + full-text index in PostgreSQL, vectors in Chroma.

Canonical rows and the lexical index (``tsvector``, GIN, BM25 ranking) live in PostgreSQL
(``pg_rows.py``), shared by every API process of a deployment; vectors live in a Chroma server
(``chroma_vectors.py``). ``locked()`` is a PostgreSQL advisory lock (``pg_lock.py``), so commit
dedup and supersession hold across processes and machines, and a dead holder frees it at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ...languages import LexicalLanguages
from ...models import Memory
from .base import LongTermStore, Vector, check_workspace
from .chroma import ChromaStore
from .chroma_vectors import ChromaVectors
from .pg_lock import DEFAULT_TIMEOUT as LOCK_TIMEOUT
from .pg_rows import PostgresRows
from .row_reads import RowReads


class PostgresChromaStore(RowReads, ChromaVectors):
    """``LongTermStore`` over ``PostgresRows`` (rows, full text) and ``ChromaStore`` (vectors)."""

    rows: PostgresRows

    def __init__(
        self,
        rows: PostgresRows | str,
        chroma: ChromaStore,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        languages: LexicalLanguages | None = None,
    ) -> None:
        """``rows``: a URL (opened here, the lock waiting ``lock_timeout`` seconds, new workspaces
        stemmed in ``languages``) or rows."""
        self.rows = (
            rows
            if isinstance(rows, PostgresRows)
            else PostgresRows(rows, lock_timeout=lock_timeout, languages=languages)
        )
        self.chroma = chroma

    def locked(self) -> AbstractContextManager[None]:
        return self.rows.lock.held()

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
        check_workspace(workspace_id, rows)
        unique = list({m.id: m for m in rows}.values())
        if unique or aliases:
            self.rows.put(workspace_id, unique, aliases, pending, vectors)

    def mark_done(self, workspace_id: str, ids: Sequence[str]) -> None:
        if ids:
            self.rows.mark_done(workspace_id, ids)

    def pending(self, workspace_id: str, *, limit: int | None = None) -> list[Memory]:
        return self.rows.pending(workspace_id, limit)

    def get_rows(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        return self.rows.get_many(workspace_id, ids) if ids else {}

    def delete_rows(self, workspace_id: str, ids: Sequence[str]) -> int:
        return self.rows.remove(workspace_id, ids) if ids else 0

    def close(self) -> None:
        self.chroma.close()
        self.rows.close()


if TYPE_CHECKING:  # mypy checks that the store implements the whole protocol
    _conforms: type[LongTermStore] = PostgresChromaStore

__all__ = ["PostgresChromaStore"]
