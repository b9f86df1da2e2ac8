"""The reference ``LongTermStore``: plain Python dicts, exact cosine, IDF-weighted word matching.

Obviously correct rather than fast (every search scans the workspace), and process-local: what
engine tests run on, and what the conformance suite holds the Chroma + SQLite store to. The
lexical half scores the summed IDF of the query stems a row holds (statistics over the
workspace's rows), as the FTS5 index ranks, on words cut by ``text.stem``; FTS5 uses Porter
stemming, so the two agree on plain words, not on every inflection.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ...languages import DEFAULT_LANGUAGE
from ...models import Memory, to_timestamp
from .base import LongTermStore, Neighbours, RankFields, Scored, Vector, check_workspace
from .filters import MemoryFilter
from .relevance import idf
from .text import query_terms, rarest, stem, words


@dataclass(slots=True)
class _Row:
    memory: Memory
    seq: int  # insertion order, kept when a row is replaced
    pending: bool
    terms: Counter[str]
    vector: Vector | None = None


@dataclass(slots=True)
class _Workspace:
    rows: dict[str, _Row] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    vectors: dict[str, tuple[Vector, Memory]] = field(default_factory=dict)
    embedder: str | None = None


def _frequency(rows: Sequence[_Row], term: str) -> int:
    """How many of ``rows`` hold the stem ``term`` (its document frequency)."""
    return sum(1 for r in rows if r.terms[term])


def _terms(text: str) -> Counter[str]:
    return Counter(stem(w) for w in words(text))


def _cosine(a: Vector, b: Vector) -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / denominator if denominator > 0 else 0.0


class InMemoryLongTermStore:
    """Everything in dicts, guarded by one re-entrant lock (which is also the writers' lock)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._spaces: dict[str, _Workspace] = {}
        self._seq = 0

    def _space(self, workspace_id: str) -> _Workspace:
        return self._spaces.setdefault(workspace_id, _Workspace())

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield

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
        kept = vectors or {}
        with self._lock:
            space = self._space(workspace_id)
            for memory in rows:
                old = space.rows.get(memory.id)
                if old is None:
                    self._seq += 1
                seq = self._seq if old is None else old.seq
                vector = kept.get(memory.id)
                vector = old.vector if vector is None and old is not None else vector
                space.rows[memory.id] = _Row(
                    memory,
                    seq,
                    pending,
                    _terms(memory.content),
                    None if vector is None else np.array(vector, dtype=np.float32),
                )
            space.aliases.update(dict(aliases))

    def row_vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        with self._lock:
            rows = self._space(workspace_id).rows
            return {i: v.copy() for i in ids if i in rows and (v := rows[i].vector) is not None}

    def pending_workspaces(self) -> list[str]:
        with self._lock:
            return sorted(
                w for w, s in self._spaces.items() if any(r.pending for r in s.rows.values())
            )

    def mark_done(self, workspace_id: str, ids: Sequence[str]) -> None:
        with self._lock:
            rows = self._space(workspace_id).rows
            for memory_id in ids:
                if memory_id in rows:
                    rows[memory_id].pending = False

    def pending(self, workspace_id: str, *, limit: int | None = None) -> list[Memory]:
        with self._lock:
            rows = sorted(self._space(workspace_id).rows.values(), key=lambda r: r.seq)
            return [r.memory for r in rows if r.pending][:limit]

    def get_rows(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        with self._lock:
            rows = self._space(workspace_id).rows
            return {i: rows[i].memory for i in ids if i in rows}

    def delete_rows(self, workspace_id: str, ids: Sequence[str]) -> int:
        with self._lock:
            space = self._space(workspace_id)
            gone = set(ids)
            space.aliases = {a: m for a, m in space.aliases.items() if m not in gone}
            return sum(space.rows.pop(i, None) is not None for i in gone)

    def _ordered(self, workspace_id: str) -> list[_Row]:
        rows = self._space(workspace_id).rows.values()
        return sorted(rows, key=lambda r: (to_timestamp(r.memory.created_at) or 0.0, r.seq))

    def list_rows(
        self,
        workspace_id: str,
        flt: MemoryFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Memory]:
        with self._lock:
            found = [r.memory for r in self._ordered(workspace_id) if flt.matches(r.memory)]
        if newest_first:
            found.reverse()
        return found[offset:] if limit is None else found[offset : offset + limit]

    def workspace_stats(self) -> dict[str, tuple[int, float]]:
        with self._lock:
            spaces = {w: list(s.rows.values()) for w, s in self._spaces.items() if s.rows}
        return {
            w: (
                sum(1 for r in rows if r.memory.superseded_by is None),
                max(to_timestamp(r.memory.updated_at) or 0.0 for r in rows),
            )
            for w, rows in spaces.items()
        }

    def session_neighbours(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> Neighbours:
        with self._lock:
            rows = sorted(self._space(workspace_id).rows.values(), key=lambda r: r.seq)
        sessions: dict[str | None, list[str]] = {}
        for r in rows:
            sessions.setdefault(r.memory.session_id, []).append(r.memory.id)
        wanted = set(ids)
        near: dict[str, list[str]] = {}
        for r in rows:
            if r.memory.id in wanted and r.memory.session_id is not None:
                order = sessions[r.memory.session_id]
                at = order.index(r.memory.id)
                near[r.memory.id] = order[max(0, at - 1) : at] + order[at + 1 : at + 2]
        fields = self.rank_fields(workspace_id, [n for ns in near.values() for n in ns], flt)
        of = {i: [n for n in ns if n in fields] for i, ns in near.items()}
        return Neighbours({i: ns for i, ns in of.items() if ns}, fields)

    def rank_fields(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> dict[str, RankFields]:
        with self._lock:
            rows = self._space(workspace_id).rows
            found = [rows[i] for i in dict.fromkeys(ids) if i in rows]
        return {
            r.memory.id: RankFields(
                r.memory.importance,
                to_timestamp(r.memory.updated_at) or 0.0,
                r.memory.content,
                None if r.vector is None else r.vector.copy(),
            )
            for r in found
            if flt.matches(r.memory)
        }

    def count_rows(self, workspace_id: str) -> int:
        with self._lock:
            return len(self._space(workspace_id).rows)

    def count_hidden(self, workspace_id: str, at_most: int) -> int:
        with self._lock:
            rows = [r.memory for r in self._space(workspace_id).rows.values()]
        superseded = sum(m.superseded_by is not None for m in rows)
        expiring = sum(m.expires_at is not None for m in rows)
        return min(superseded, at_most) + min(expiring, at_most)

    def resolve_alias(self, workspace_id: str, alias: str) -> str | None:
        with self._lock:
            return self._space(workspace_id).aliases.get(alias)

    def _newest_live(self, workspace_id: str, field_name: str, value: str) -> Memory | None:
        with self._lock:
            found = [
                r
                for r in self._space(workspace_id).rows.values()
                if getattr(r.memory, field_name) == value and r.memory.superseded_by is None
            ]
        if not found:
            return None
        return max(found, key=lambda r: (to_timestamp(r.memory.updated_at) or 0.0, r.seq)).memory

    def live_by_hash(self, workspace_id: str, digest: str) -> Memory | None:
        return self._newest_live(workspace_id, "content_hash", digest)

    def live_by_key(self, workspace_id: str, key: str) -> Memory | None:
        return self._newest_live(workspace_id, "key", key)

    # -- dense index ----------------------------------------------------------------------------
    def put_vectors(
        self, workspace_id: str, rows: Sequence[Memory], vectors: Mapping[str, Vector]
    ) -> None:
        check_workspace(workspace_id, rows)
        with self._lock:
            index = self._space(workspace_id).vectors
            for memory in rows:
                if memory.id in vectors:
                    vector = np.array(vectors[memory.id], dtype=np.float32)
                    index[memory.id] = (vector, memory)
                elif memory.id in index:
                    index[memory.id] = (index[memory.id][0], memory)

    def get_vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        with self._lock:
            index = self._space(workspace_id).vectors
            return {i: index[i][0].copy() for i in ids if i in index}

    def delete_vectors(self, workspace_id: str, ids: Sequence[str]) -> None:
        with self._lock:
            index = self._space(workspace_id).vectors
            for memory_id in ids:
                index.pop(memory_id, None)

    def drop_vectors(self, workspace_id: str) -> None:
        with self._lock:
            self._space(workspace_id).vectors.clear()

    def count_vectors(self, workspace_id: str) -> int:
        with self._lock:
            return len(self._space(workspace_id).vectors)

    def search_vectors(
        self, workspace_id: str, queries: Vector, n: int, flt: MemoryFilter | None = None
    ) -> list[list[Scored]]:
        with self._lock:
            space = self._space(workspace_id)
            index = dict(space.vectors)
            for row in space.rows.values():  # a pending row's kept vector is the newer one
                if row.pending and row.vector is not None:
                    index[row.memory.id] = (row.vector, row.memory)
        candidates = [(i, v) for i, (v, m) in index.items() if flt is None or flt.matches(m)]
        out = []
        for query in np.atleast_2d(queries):
            scored = [(i, _cosine(query, v)) for i, v in candidates]
            scored.sort(key=lambda s: (-s[1], s[0]))
            out.append(scored[:n])
        return out

    # -- lexical index --------------------------------------------------------------------------
    def search_text(self, workspace_id: str, query: str, n: int, flt: MemoryFilter) -> list[Scored]:
        """Rows by the summed IDF of the query's (rarest, ``text.rarest``) stems they hold,
        newest first among equals (as ``fts.FtsIndex.search``)."""
        terms = list(dict.fromkeys(stem(t) for t in query_terms(query)))
        with self._lock:
            rows = list(self._space(workspace_id).rows.values())
        if not terms or not rows:
            return []
        found = {t: df for t in terms if (df := _frequency(rows, t))}
        matched = rarest({t: idf(len(rows), df) for t, df in found.items()})
        scored = []
        for row in rows:
            coverage = sum(w for t, w in matched.items() if row.terms[t])
            if coverage > 0 and flt.matches(row.memory):
                scored.append((-coverage, -row.seq, row.memory.id))
        scored.sort()
        return [(i, -coverage) for coverage, _, i in scored[:n]]

    def term_counts(self, workspace_id: str, query: str) -> tuple[int, list[int]]:
        with self._lock:
            rows = list(self._space(workspace_id).rows.values())
        counts = [_frequency(rows, stem(t)) for t in query_terms(query)]
        return len(rows), counts

    def lexical_language(self, workspace_id: str) -> str:
        return DEFAULT_LANGUAGE  # ``text.stem``'s, as everywhere in this store

    def embedder_of(self, workspace_id: str) -> str | None:
        with self._lock:
            return self._space(workspace_id).embedder

    def record_embedder(self, workspace_id: str, name: str, *, replace: bool = False) -> str:
        with self._lock:
            space = self._space(workspace_id)
            if replace or space.embedder is None:
                space.embedder = name
            return space.embedder

    def close(self) -> None:
        """Nothing to release; the data stays readable (tests reopen nothing)."""


if TYPE_CHECKING:  # mypy checks that the reference implements the whole protocol
    _conforms: type[LongTermStore] = InMemoryLongTermStore

__all__ = ["InMemoryLongTermStore"]
