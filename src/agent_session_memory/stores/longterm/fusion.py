"""Relative fusions of the dense and lexical result lists: the bench's baselines.

Recall no longer uses them: a fused score normalised against the other hits is not a relevance
(with one memory stored, any query scored 1.0); recall ranks by the absolute relevance of
``relevance.py``. These stay so ``bench/locomo.py`` compares against them on the same candidates.

Two methods, both measured on LoCoMo (``bench/locomo.py``): reciprocal rank fusion
(``sum w / (k + rank)``, robust to the two halves' incomparable score scales) and min-max
normalised score fusion. Measured on the LoCoMo dev split (R@10): RRF k=60 0.625, k=10 0.688,
score fusion 0.696 with lexical weight 1.0, 0.697 at 1.25, 0.698 at 1.5, 0.696 at 2.0: a plateau,
so the default sits in its middle (score fusion, lexical weight 1.25, 100 candidates a side).
The dense half's min-max starts at most at cosine 0.2 (``dense_floor``): on LoCoMo that changes
nothing (R@10 0.697 either way), but on a small collection three near-equal cosines are no
longer stretched to 1, 0.6 and 0.
Importance and recency only break ties: a fused score is rounded before
they are compared, so they never outrank relevance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FusionConfig:
    method: str = "score"  # "score" | "scaled" | "rrf"
    rrf_k: float = 60.0
    dense_weight: float = 1.0
    lexical_weight: float = 1.25
    depth: int = 100  # candidates taken from each half (at least k)
    dense_floor: float | None = 0.2  # min-max's low end for cosines is at most this


def _rrf(ranked: Sequence[tuple[str, float]], weight: float, k: float) -> dict[str, float]:
    return {mid: weight / (k + rank) for rank, (mid, _) in enumerate(ranked, start=1)}


def _minmax(
    ranked: Sequence[tuple[str, float]], weight: float, floor: float | None = None
) -> dict[str, float]:
    if not ranked:
        return {}
    scores = [s for _, s in ranked]
    low, high = min(scores), max(scores)
    if floor is not None:
        low = min(low, floor)
    span = high - low
    return {mid: weight * ((s - low) / span if span > 0 else 1.0) for mid, s in ranked}


def _scaled(ranked: Sequence[tuple[str, float]], weight: float, absolute: bool) -> dict[str, float]:
    """Keep an absolute zero: cosine as it is (clipped at 0), bm25 divided by the best one."""
    if not ranked:
        return {}
    top = 1.0 if absolute else max(s for _, s in ranked)
    return {mid: weight * max(0.0, s) / top if top > 0 else 0.0 for mid, s in ranked}


def fuse(
    dense: Sequence[tuple[str, float]],
    lexical: Sequence[tuple[str, float]],
    config: FusionConfig,
) -> dict[str, float]:
    """``id -> fused score`` (higher is better) over the union of both lists."""
    if config.method == "score":
        parts = [
            _minmax(dense, config.dense_weight, config.dense_floor),
            _minmax(lexical, config.lexical_weight),
        ]
    elif config.method == "scaled":
        parts = [
            _scaled(dense, config.dense_weight, absolute=True),
            _scaled(lexical, config.lexical_weight, absolute=False),
        ]
    else:
        parts = [
            _rrf(dense, config.dense_weight, config.rrf_k),
            _rrf(lexical, config.lexical_weight, config.rrf_k),
        ]
    fused: dict[str, float] = {}
    for part in parts:
        for mid, score in part.items():
            fused[mid] = fused.get(mid, 0.0) + score
    return fused
