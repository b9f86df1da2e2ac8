"""Recall: dense and lexical candidates, re-checked on the canonical rows, scored by absolute
relevance (``stores/longterm/relevance.py``), tie-broken by importance and recency.

Candidates are checked and scored on three columns of their rows (``rank_fields``); only the
top ``k`` rows are read whole (reading all ~250 candidates' JSON was a quarter of recall's time).
The lexical half runs on a worker thread while this one embeds the query and searches the dense
index: both wait in native code (SQLite, onnxruntime), so on two cores they overlap. The lexical
half also reads its own candidates' fields and kept vectors, so the part that cannot overlap
(after the dense search) reads only the dense candidates it did not find.
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


@dataclass(frozen=True, slots=True)
class _Lexical:
    """The lexical half's candidates, read and weighed: all but their cosine similarity."""

    terms: QueryTerms
    fields: dict[str, RankFields]
    coverage: dict[str, float]
    vectors: dict[str, Vector]  # the candidates' kept vectors (rows written before: none)


def _lexical_half(
    store: LongTermStore, workspace_id: str, query: str, depth: int, flt: MemoryFilter
) -> _Lexical:
    """The lexical index's candidates, and the query's terms weighed in the workspace."""
    rows, counts = store.term_counts(workspace_id, query)
    terms = QueryTerms.of(query, rows, counts, store.lexical_language(workspace_id))
    ids = [i for i, _ in store.search_text(workspace_id, query, depth, flt)]
    fields = store.rank_fields(workspace_id, ids, flt)
    coverage = {i: terms.coverage(f.content) for i, f in fields.items()}
    return _Lexical(terms, fields, coverage, store.row_vectors(workspace_id, list(fields)))


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
    lexical = lexical_half.result()
    others = [i for i in dict.fromkeys(i for i, _ in dense) if i not in lexical.fields]
    fields = {**lexical.fields, **store.rank_fields(workspace_id, others, flt)}
    lexical_parts = {
        **lexical.coverage,
        **{i: lexical.terms.coverage(fields[i].content) for i in others if i in fields},
    }
    cosines = {i: c for i, c in dense if i in fields}
    unseen = fields.keys() - cosines.keys()  # found by the lexical half alone
    kept = {i: lexical.vectors[i] for i in unseen if i in lexical.vectors}
    cosines.update(_cosines(kept, vector[0]))
    unseen -= kept.keys()

    def best(i: str, cosine: float) -> float:
        return score(semantic_part(cosine), lexical_parts[i], config)

    if unseen:  # rows written before rows kept their vector: only the dense index has it
        # A memory the dense search did not return is at most as similar as its last hit (or,
        # when it returned everything there is, has no vector yet: similarity unknown, 0).
        # k candidates surely score at least ``bar`` (exact scores, and the unseen ones' lower
        # bounds: similarity 0), so one whose upper bound is below it cannot make the top k.
        unseen_bound = dense[-1][1] if len(dense) >= wanted else 0.0
        floors = sorted(
            [*(best(i, c) for i, c in cosines.items()), *(best(i, 0.0) for i in unseen)]
        )
        bar = max(min_score, floors[-k] if len(floors) >= k else 0.0)
        worth = sorted(i for i in unseen if best(i, unseen_bound) >= bar)
        found = _cosines(store.get_vectors(workspace_id, worth), vector[0]) if worth else {}
        cosines.update({i: found.get(i, 0.0) for i in worth})
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
