"""The row reads and the lexical search both composed stores hand to their row backend, what
their dense half (``chroma_vectors.py``) asks the backend about staged rows, and each
workspace's embedder record (the SQL both backends share lives here too).

``ChromaSqliteStore`` and ``PostgresChromaStore`` differ in where rows live and how they are
written; what they read, they read the same way from a backend with this interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ...models import Memory
from .base import Neighbours, RankFields, Scored, Vector
from .filters import MemoryFilter
from .records import vector_from_bytes
from .staged import Staged

#: Rows' neighbours in their session, by write order, with their rank fields and kept vector,
#: in one read: two index seeks a row (both backends index ``(workspace_id, session_id, rid)``),
#: then each neighbour by id; a row without a session matches none. No ``session_id IS NOT
#: NULL`` on the outer rows: SQLite would then scan that index for them (30 ms for 100 rows at
#: 20k) instead of looking each id up. ``{mark}``: the placeholder; ``{ids}``: the id list's
#: condition; ``{content}``: the content column; ``{cond}``: the filter on the neighbours.
NEIGHBOUR_FIELDS = (
    "WITH near(row_id, prev_id, next_id) AS (SELECT m.id, "
    "(SELECT p.id FROM memories p WHERE p.workspace_id = m.workspace_id AND "
    "p.session_id = m.session_id AND p.rid < m.rid ORDER BY p.rid DESC LIMIT 1), "
    "(SELECT n.id FROM memories n WHERE n.workspace_id = m.workspace_id AND "
    "n.session_id = m.session_id AND n.rid > m.rid ORDER BY n.rid LIMIT 1) "
    "FROM memories m WHERE m.workspace_id = {mark} AND m.id {ids}) "
    "SELECT near.row_id, m.id, m.importance, m.updated_at, {content}, m.vector FROM near "
    "JOIN memories m ON m.workspace_id = {mark} AND m.id IN (near.prev_id, near.next_id) "
    "WHERE {cond} ORDER BY near.row_id, m.rid"
)


def hidden_count_sql(mark: str, indexed_by: bool) -> str:
    """How many rows a filter that is not selective may hide from recall (``count_hidden``):
    the superseded ones and those with an expiry, each kind counted up to a cap through its own
    partial index (``memories_superseded``, ``memories_expiry``) in both backends. A row of both
    kinds counts twice: recall needs an upper bound only. ``mark``: the placeholder;
    ``indexed_by``: name the indexes (SQLite: without statistics its planner took another index
    of ``workspace_id`` on a fresh file and read every row of the workspace, 6 ms at 20k)."""

    def capped(condition: str, index: str) -> str:
        hint = f" INDEXED BY {index}" if indexed_by else ""
        return (
            f"(SELECT count(*) FROM (SELECT 1 FROM memories{hint} WHERE workspace_id = {mark} "
            f"AND {condition} LIMIT {mark}) c)"
        )

    return (
        f"SELECT {capped('superseded = 1', 'memories_superseded')} + "
        f"{capped('expires_at IS NOT NULL', 'memories_expiry')}"
    )


def record_embedder_sql(mark: str, replace: bool) -> str:
    """Record a workspace's embedder and answer the name recorded, in one statement: on conflict
    the row keeps its name, or (``replace``) takes the new one. ``mark``: the placeholder."""
    kept = "excluded.embedder" if replace else "workspace_embedders.embedder"
    return (
        f"INSERT INTO workspace_embedders (workspace_id, embedder) VALUES ({mark}, {mark}) "
        f"ON CONFLICT (workspace_id) DO UPDATE SET embedder = {kept} RETURNING embedder"
    )


def neighbours_from(rows: Sequence[Sequence[Any]]) -> Neighbours:
    """``Neighbours`` from ``NEIGHBOUR_FIELDS``' rows."""
    of: dict[str, list[str]] = {}
    fields: dict[str, RankFields] = {}
    for row_id, i, importance, updated_at, content, vector in rows:
        of.setdefault(str(row_id), []).append(str(i))
        fields[str(i)] = rank_fields_from(importance, updated_at, content, vector)
    return Neighbours(of, fields)


def rank_fields_from(importance: Any, updated_at: Any, content: Any, vector: Any) -> RankFields:
    """``RankFields`` from a row's columns (``vector``: the kept vector's bytes, or NULL)."""
    kept = None if vector is None else vector_from_bytes(vector)
    return RankFields(float(importance), float(updated_at), str(content), kept)


class RowBackend(Protocol):
    """What ``SqliteRows`` and ``PostgresRows`` both offer for reading."""

    def select(
        self,
        workspace_id: str,
        flt: MemoryFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Memory]: ...

    def workspace_stats(self) -> dict[str, tuple[int, float]]: ...

    def rank_fields(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> dict[str, RankFields]: ...

    def session_neighbours(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> Neighbours: ...

    def count(self, workspace_id: str) -> int: ...

    def count_hidden(self, workspace_id: str, at_most: int) -> int: ...

    def resolve_alias(self, workspace_id: str, alias: str) -> str | None: ...

    def newest_live(self, workspace_id: str, column: str, value: str) -> Memory | None: ...

    def search(self, workspace_id: str, query: str, n: int, flt: MemoryFilter) -> Any: ...

    def term_counts(self, workspace_id: str, query: str) -> tuple[int, list[int]]: ...

    def lexical_language(self, workspace_id: str) -> str: ...

    def staged(
        self, workspace_id: str, after: int | None = None, flt: MemoryFilter | None = None
    ) -> Staged:
        """Rows whose vectors a dense index (of generation ``after``) may not have yet."""
        ...

    def vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]: ...

    def embedder_of(self, workspace_id: str) -> str | None: ...

    def record_embedder(self, workspace_id: str, name: str, replace: bool) -> str: ...

    def pending_workspaces(self) -> list[str]: ...

    def close(self) -> None: ...


class RowReads:
    """``LongTermStore``'s row reads and ``search_text``, delegated to ``self.rows``."""

    rows: RowBackend

    def list_rows(
        self,
        workspace_id: str,
        flt: MemoryFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Memory]:
        return self.rows.select(
            workspace_id, flt, limit=limit, offset=offset, newest_first=newest_first
        )

    def workspace_stats(self) -> dict[str, tuple[int, float]]:
        return self.rows.workspace_stats()

    def rank_fields(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> dict[str, RankFields]:
        return self.rows.rank_fields(workspace_id, list(dict.fromkeys(ids)), flt) if ids else {}

    def session_neighbours(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> Neighbours:
        if not ids:
            return Neighbours({}, {})
        return self.rows.session_neighbours(workspace_id, list(dict.fromkeys(ids)), flt)

    def count_rows(self, workspace_id: str) -> int:
        return self.rows.count(workspace_id)

    def count_hidden(self, workspace_id: str, at_most: int) -> int:
        return self.rows.count_hidden(workspace_id, at_most)

    def resolve_alias(self, workspace_id: str, alias: str) -> str | None:
        return self.rows.resolve_alias(workspace_id, alias)

    def live_by_hash(self, workspace_id: str, digest: str) -> Memory | None:
        return self.rows.newest_live(workspace_id, "content_hash", digest)

    def live_by_key(self, workspace_id: str, key: str) -> Memory | None:
        return self.rows.newest_live(workspace_id, "key", key)

    def search_text(self, workspace_id: str, query: str, n: int, flt: MemoryFilter) -> list[Scored]:
        return list(self.rows.search(workspace_id, query, n, flt))

    def term_counts(self, workspace_id: str, query: str) -> tuple[int, list[int]]:
        return self.rows.term_counts(workspace_id, query)

    def lexical_language(self, workspace_id: str) -> str:
        return self.rows.lexical_language(workspace_id)

    def embedder_of(self, workspace_id: str) -> str | None:
        return self.rows.embedder_of(workspace_id)

    def record_embedder(self, workspace_id: str, name: str, *, replace: bool = False) -> str:
        return self.rows.record_embedder(workspace_id, name, replace)
