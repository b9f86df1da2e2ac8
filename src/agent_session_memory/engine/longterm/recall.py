"""Recall: dense and lexical candidates, re-checked on the canonical rows, scored by absolute
relevance (``stores/longterm/relevance.py``), tie-broken by importance and recency.

Candidates are checked and scored on three columns of their rows (``rank_fields``); only the
top ``k`` rows are read whole (reading all ~250 candidates' JSON was a quarter of recall's time).
The lexical half runs on a worker thread while this one embeds the query and searches the dense
index: both wait in native code (SQLite, onnxruntime), so on two cores they overlap.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ...embeddings import Embedder
from ...models import Memory, RecallHit
from ...stores.longterm.base import LongTermStore, RankFields, Vector
from ...stores.longterm.filters import MemoryFilter
from ...stores.longterm.relevance import (
    QueryTerms,
    RelevanceConfig,
    recency,
    score,
    semantic_part,
)
from ...stores.longterm.similarity import cosines

_LEXICAL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="asm-recall-lexical")


def _lexical_half(
    store: LongTermStore, workspace_id: str, query: str, depth: int, flt: MemoryFilter
) -> tuple[list[tuple[str, float]], QueryTerms]:
    """The lexical index's candidates, and the query's terms weighed in the workspace."""
    rows, counts = store.term_counts(workspace_id, query)
    language = store.lexical_language(workspace_id)
    return store.search_text(workspace_id, query, depth, flt), QueryTerms.of(
        query, rows, counts, language
    )


def _cosines(vectors: dict[str, Vector], query: Vector) -> dict[str, float]:
    """Each vector's cosine similarity to ``query``."""
    if not vectors:
        return {}
    similar = cosines(np.stack(list(vectors.values())), query)
    return dict(zip(vectors, map(float, similar), strict=True))


def recall(
    store: LongTermStore,
    embedder: Embedder,
    config: RelevanceConfig,
    workspace_id: str,
    query: str,
    k: int,
    flt: MemoryFilter,
    *,
    now: float,
    min_score: float = 0.0,
) -> list[RecallHit]:
    """The best ``k`` hits for ``query`` among memories matching ``flt`` scoring at least
    ``min_score``, best first."""
    depth = max(config.depth, k)
    lexical_half = _LEXICAL.submit(_lexical_half, store, workspace_id, query, depth, flt)
    vector = embedder.embed([query])
    # Chroma 1.5.9 pre-filters with ``where`` by scanning metadata (40 ms at 20k vectors,
    # 280 ms at 100k; 1.5 ms without), so only selective filters go to the dense index; the
    # superseded flag alone is checked here on the canonical rows after an over-fetch.
    wanted = depth if flt.selective else depth + depth // 2
    [dense] = store.search_vectors(workspace_id, vector, wanted, flt if flt.selective else None)
    lexical, terms = lexical_half.result()
    fields = store.rank_fields(workspace_id, list({i for i, _ in (*dense, *lexical)}), flt)
    # A memory the dense search did not return is at most as similar as its last hit (or,
    # when it returned everything there is, has no vector yet: similarity unknown, 0).
    unseen_bound = dense[-1][1] if len(dense) >= wanted else 0.0
    cosines = {i: c for i, c in dense if i in fields}
    lexical_parts = {i: terms.coverage(f.content) for i, f in fields.items()}

    def best(i: str, cosine: float) -> float:
        return score(semantic_part(cosine), lexical_parts[i], config)

    # k candidates surely score at least ``bar`` (exact scores, and the unseen ones' lower
    # bounds: similarity 0), so an unseen one whose upper bound is below it cannot make the top k.
    unseen = fields.keys() - cosines.keys()
    floors = sorted([*(best(i, c) for i, c in cosines.items()), *(best(i, 0.0) for i in unseen)])
    bar = max(min_score, floors[-k] if len(floors) >= k else 0.0)
    unseen = {i for i in unseen if best(i, unseen_bound) >= bar}
    if unseen:  # only those that could still make the top k are worth fetching
        found = _cosines(_vectors(store, workspace_id, sorted(unseen)), vector[0])
        cosines.update({i: found.get(i, 0.0) for i in unseen})
    # Relevance first (rounded, so importance and recency only break ties). Recency grows with
    # ``updated_at`` (up to now), so the sort needs no recency: only the top k are scored whole.
    ranked = []
    for i, c in cosines.items():
        relevance = best(i, c)
        if relevance >= min_score:
            f = fields[i]
            ranked.append((round(relevance, 9), f.importance, min(f.updated_at, now), i, c))
    ranked.sort(key=lambda r: r[:3], reverse=True)
    top = [_scored(i, c, lexical_parts[i], fields[i], config, now) for *_, i, c in ranked[:k]]
    rows = store.get_rows(workspace_id, [h.memory_id for h in top])
    return [h.hit(rows[h.memory_id]) for h in top if h.memory_id in rows]  # gone: forgotten


def _vectors(store: LongTermStore, workspace_id: str, ids: list[str]) -> dict[str, Vector]:
    """The rows' kept vectors; the dense index's for rows written before rows kept them."""
    vectors = store.row_vectors(workspace_id, ids)
    missing = [i for i in ids if i not in vectors]
    if missing:
        vectors.update(store.get_vectors(workspace_id, missing))
    return vectors


@dataclass(frozen=True, slots=True)
class _Scored:
    """A candidate's scores, before its row is read (only the top k are)."""

    memory_id: str
    score: float
    semantic: float
    lexical: float
    recency: float
    importance: float

    def hit(self, memory: Memory) -> RecallHit:
        return RecallHit(
            memory=memory,
            score=self.score,
            semantic_score=self.semantic,
            lexical_score=self.lexical,
            recency_score=self.recency,
            importance_score=self.importance,
        )


def _scored(
    memory_id: str,
    cosine: float,
    lexical: float,
    fields: RankFields,
    config: RelevanceConfig,
    now: float,
) -> _Scored:
    semantic = semantic_part(cosine)
    return _Scored(
        memory_id,
        score(semantic, lexical, config),
        semantic,
        lexical,
        recency(fields.updated_at, now, config),
        fields.importance,
    )
