"""Recall: dense and lexical candidates, re-checked on the canonical rows, scored by absolute
relevance (``stores/longterm/relevance.py``), tie-broken by importance and recency."""

from __future__ import annotations

import numpy as np

from ...embeddings import Embedder
from ...models import Memory, RecallHit, to_timestamp
from ...stores.longterm.base import LongTermStore, Vector
from ...stores.longterm.filters import MemoryFilter
from ...stores.longterm.relevance import (
    QueryTerms,
    RelevanceConfig,
    recency,
    score,
    semantic_part,
)


def _rank_key(hit: RecallHit) -> tuple[float, float, float]:
    """Relevance first (rounded, so importance and recency only break ties)."""
    return (round(hit.score, 9), hit.importance_score, hit.recency_score)


def _cosine(a: Vector, b: Vector) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / norm if norm > 0 else 0.0


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
    vector = embedder.embed([query])
    # Chroma 1.5.9 pre-filters with ``where`` by scanning metadata (40 ms at 20k vectors,
    # 280 ms at 100k; 1.5 ms without), so only selective filters go to the dense index; the
    # superseded flag alone is checked here on the canonical rows after an over-fetch.
    wanted = depth if flt.selective else depth + depth // 2
    [dense] = store.search_vectors(workspace_id, vector, wanted, flt if flt.selective else None)
    lexical = store.search_text(workspace_id, query, depth, flt)
    rows = store.get_rows(workspace_id, list({i for i, _ in (*dense, *lexical)}))
    keep = {i for i, m in rows.items() if flt.matches(m)}
    # A memory the dense search did not return is at most as similar as its last hit (or,
    # when it returned everything there is, has no vector yet: similarity unknown, 0).
    unseen_bound = dense[-1][1] if len(dense) >= wanted else 0.0
    cosines = {i: c for i, c in dense if i in keep}
    terms = QueryTerms.of(query, *store.term_counts(workspace_id, query))
    lexical_parts = {i: terms.coverage(rows[i].content) for i in keep}

    def best(i: str, cosine: float) -> float:
        return score(semantic_part(cosine), lexical_parts[i], config)

    # k candidates surely score at least ``bar`` (exact scores, and the unseen ones' lower
    # bounds: similarity 0), so an unseen one whose upper bound is below it cannot make the top k.
    unseen = keep - cosines.keys()
    floors = sorted([*(best(i, c) for i, c in cosines.items()), *(best(i, 0.0) for i in unseen)])
    bar = max(min_score, floors[-k] if len(floors) >= k else 0.0)
    unseen = {i for i in unseen if best(i, unseen_bound) >= bar}
    if unseen:  # only those that could still make the top k are worth fetching
        vectors = store.get_vectors(workspace_id, sorted(unseen))
        cosines.update({i: _cosine(vectors[i], vector[0]) if i in vectors else 0.0 for i in unseen})
    hits = [_hit(rows[i], c, lexical_parts[i], config, now) for i, c in cosines.items()]
    hits = [h for h in hits if h.score >= min_score]
    hits.sort(key=_rank_key, reverse=True)
    return hits[:k]


def _hit(
    memory: Memory, cosine: float, lexical: float, config: RelevanceConfig, now: float
) -> RecallHit:
    semantic = semantic_part(cosine)
    return RecallHit(
        memory=memory,
        score=score(semantic, lexical, config),
        semantic_score=semantic,
        lexical_score=lexical,
        recency_score=recency(to_timestamp(memory.updated_at), now, config),
        importance_score=memory.importance,
    )
