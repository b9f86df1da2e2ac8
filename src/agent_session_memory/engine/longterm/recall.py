"""Recall: dense and lexical candidates, re-checked on the canonical rows, scored by absolute
relevance (``stores/longterm/relevance.py``), tie-broken by importance and recency.

Candidates are checked and scored on three columns of their rows (``rank_fields``); only the
top ``k`` rows are read whole (reading all ~250 candidates' JSON was a quarter of recall's time).
The lexical half runs on a worker thread while this one embeds the query and searches the dense
index: both wait in native code (SQLite, onnxruntime), so on two cores they overlap. The lexical
half also reads its own candidates' fields and kept vectors, so the part that cannot overlap
(after the dense search) reads only the dense candidates it did not find. Last, the most
relevant candidates lift their neighbours in their session (``session_context.py``), read with
their fields and kept vectors in one statement.
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
from .session_context import LIFTERS, contexts, lifted

_LEXICAL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="asm-recall-lexical")


@dataclass(frozen=True, slots=True)
class _Lexical:
    """The lexical half's candidates, read and weighed: all but their cosine similarity."""

    terms: QueryTerms
    fields: dict[str, RankFields]
    coverage: dict[str, float]


def _lexical_half(
    store: LongTermStore, workspace_id: str, query: str, depth: int, flt: MemoryFilter
) -> _Lexical:
    """The lexical index's candidates, and the query's terms weighed in the workspace."""
    rows, counts = store.term_counts(workspace_id, query)
    terms = QueryTerms.of(query, rows, counts, store.lexical_language(workspace_id))
    ids = [i for i, _ in store.search_text(workspace_id, query, depth, flt)]
    fields = store.rank_fields(workspace_id, ids, flt)
    coverage = {i: terms.coverage(f.content) for i, f in fields.items()}
    return _Lexical(terms, fields, coverage)


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
    # Chroma 1.5.9 pre-filters with ``where`` by scanning metadata (40 ms at 20k vectors,
    # 280 ms at 100k; 1.5 ms without), so only selective filters go to the dense index; the
    # superseded flag and expiry alone are checked here on the canonical rows, after asking the
    # index for as many more hits as rows they may hide (up to half as many again).
    hidden = (
        None if flt.selective else _LEXICAL.submit(store.count_hidden, workspace_id, depth // 2)
    )
    lexical_half = _LEXICAL.submit(_lexical_half, store, workspace_id, query, depth, flt)
    vector = embedder.embed([query])
    wanted = depth if hidden is None else depth + min(hidden.result(), depth // 2)
    [dense] = store.search_vectors(workspace_id, vector, wanted, flt if flt.selective else None)
    lexical = lexical_half.result()
    others = [i for i in dict.fromkeys(i for i, _ in dense) if i not in lexical.fields]
    fields = {**lexical.fields, **store.rank_fields(workspace_id, others, flt)}
    lexical_parts = {
        **lexical.coverage,
        **{i: lexical.terms.coverage(fields[i].content) for i in others if i in fields},
    }
    cosines = {i: c for i, c in dense if i in fields}
    unseen = [i for i in fields if i not in cosines]  # found by the lexical half alone
    cosines.update(_similarities(store, workspace_id, {i: fields[i] for i in unseen}, vector[0]))

    def own(i: str) -> float:
        return score(semantic_part(cosines[i]), lexical_parts[i], config)

    relevance = {i: own(i) for i in cosines}
    lifters = sorted(relevance, key=relevance.__getitem__, reverse=True)[:LIFTERS]
    neighbours = store.session_neighbours(workspace_id, lifters, flt)
    new = {i: f for i, f in neighbours.fields.items() if i not in relevance}
    if new:  # neighbours that were no candidate: scored as the candidates were
        fields.update(new)
        lexical_parts.update({i: lexical.terms.coverage(f.content) for i, f in new.items()})
        cosines.update(_similarities(store, workspace_id, new, vector[0]))
        relevance.update({i: own(i) for i in new})
    context = contexts(relevance, neighbours.of)
    # Relevance first (rounded, so importance and recency only break ties). Recency grows with
    # ``updated_at`` (up to now), so the sort needs no recency: only the top k are scored whole.
    ranked = []
    for i, r in relevance.items():
        total = lifted(r, context.get(i, 0.0))
        if total >= min_score:
            f = fields[i]
            ranked.append((round(total, 9), f.importance, min(f.updated_at, now), i, total))
    ranked.sort(key=lambda r: r[:3], reverse=True)
    top = [
        _Scored(
            i,
            total,
            semantic_part(cosines[i]),
            lexical_parts[i],
            context.get(i, 0.0),
            recency(fields[i].updated_at, now, config),
            fields[i].importance,
        )
        for *_, i, total in ranked[:k]
    ]
    rows = store.get_rows(workspace_id, [h.memory_id for h in top])
    return [h.hit(rows[h.memory_id]) for h in top if h.memory_id in rows]  # gone: forgotten


def _similarities(
    store: LongTermStore, workspace_id: str, rows: dict[str, RankFields], query: Vector
) -> dict[str, float]:
    """The rows' cosine similarity to ``query``, from their kept vectors, or the dense index's
    for rows written before rows kept them; 0 with neither."""
    vectors = {i: f.vector for i, f in rows.items() if f.vector is not None}
    missing = [i for i in rows if i not in vectors]
    if missing:
        vectors.update(store.get_vectors(workspace_id, missing))
    found = _cosines(vectors, query)
    return {i: found.get(i, 0.0) for i in rows}


@dataclass(frozen=True, slots=True)
class _Scored:
    """A candidate's scores, before its row is read (only the top k are)."""

    memory_id: str
    score: float
    semantic: float
    lexical: float
    context: float
    recency: float
    importance: float

    def hit(self, memory: Memory) -> RecallHit:
        return RecallHit(
            memory=memory,
            score=self.score,
            semantic_score=self.semantic,
            lexical_score=self.lexical,
            context_score=self.context,
            recency_score=self.recency,
            importance_score=self.importance,
        )
