"""The embedded (and server-mode dense) ``LongTermStore``: rows + FTS5 in SQLite, vectors in Chroma.

Canonical rows and the lexical index live in one SQLite file (``sqlite_rows.py``, ``fts.py``),
vectors with a flat metadata snapshot of their row in one Chroma collection per workspace
(``chroma.py``). Two stores cannot change atomically together: the engine's write protocol
(rows pending, vectors, flag cleared; ``engine/longterm/writer.py``) makes a crash between them
safe to retry. ``locked()`` is Chroma's cross-process writers' lock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from ...models import Memory
from .base import LongTermStore, Vector, check_workspace
from .chroma import ChromaStore
from .chroma_vectors import ChromaVectors
from .row_reads import RowReads
from .sqlite_rows import SqliteRows


class ChromaSqliteStore(RowReads, ChromaVectors):
    """``LongTermStore`` over ``SqliteRows`` (rows, FTS5) and ``ChromaStore`` (vectors)."""

    rows: SqliteRows

    def __init__(self, rows: SqliteRows | Path, chroma: ChromaStore | Path) -> None:
        self.rows = rows if isinstance(rows, SqliteRows) else SqliteRows(rows)
        self.chroma = chroma if isinstance(chroma, ChromaStore) else ChromaStore(chroma)

    def locked(self) -> AbstractContextManager[None]:
        return self.chroma.locked()

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
        rows = list({m.id: m for m in rows}.values())
        if not rows and not aliases:
            return
        kept = vectors or {}
        with self.rows.transaction() as db:
            for memory in rows:
                self.rows.put(db, memory, pending=pending, vector=kept.get(memory.id))
            for alias, target in aliases:
                self.rows.add_alias(db, workspace_id, alias, target)

    def mark_done(self, workspace_id: str, ids: Sequence[str]) -> None:
        self.rows.mark_done(workspace_id, ids, self.chroma.generation())

    def pending(self, workspace_id: str, *, limit: int | None = None) -> list[Memory]:
        return self.rows.pending(workspace_id, limit)

    def get_rows(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        return self.rows.get_many(workspace_id, ids)

    def delete_rows(self, workspace_id: str, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        with self.rows.transaction() as db:
            return self.rows.remove(db, workspace_id, ids)

    def close(self) -> None:
        self.chroma.close()
        self.rows.close()


if TYPE_CHECKING:  # mypy checks that the store implements the whole protocol
    _conforms: type[LongTermStore] = ChromaSqliteStore

__all__ = ["ChromaSqliteStore"]
