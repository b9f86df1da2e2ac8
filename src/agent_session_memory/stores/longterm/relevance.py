"""Absolute relevance: what ``hit.score`` means, whatever else the workspace holds.

A fused score normalised against the other hits (min-max, reciprocal ranks) says nothing on its
own: with one memory stored, an unrelated query scored 1.0. The score here is built from two
parts that are absolute, each in [0, 1]:

- **semantic**: the cosine similarity of query and memory, negative cosines counted as 0;
- **lexical**: the IDF-weighted fraction of the query's terms the memory contains (terms as the
  lexical index sees them: ``text.query_terms``, stopwords dropped; words compared after
  ``text.stem``, or the Snowball stemmer of a workspace's other language). IDF is BM25's,
  ``ln(1 + (N - df + 0.5) / (df + 0.5))`` over the workspace's own rows, so a rare word found
  counts more than a common one, and a memory with every query word scores 1.

``score = (semantic + w * lexical) / (1 + w)``, ``w = 0.7``. Measured on the LoCoMo dev split
(``bench/locomo.py``, evidence R@10): w 0.25 0.680, 0.35 0.702, 0.5 0.711, 0.7 0.714, 1.0 0.705,
1.5 0.699; the relative min-max fusion it replaces 0.700 on the same candidates. Tuned on four
conversations and tested on the fifth, each in turn, every fold picks 0.7 (R@10 0.714 on the
held-out ones), so 0.7 it is. Recency and importance are reported beside the score and only
break ties.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ...languages import DEFAULT_LANGUAGE
from .text import query_terms, stemmer, words

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class RelevanceConfig:
    lexical_weight: float = 0.7
    # Candidates taken from each index (at least k). On LoCoMo dev (760 questions) 50 ranked
    # exactly as 100 did (every R@1..25, every category), and a recall scored half the
    # candidates: p50 8.0 -> 6.9 ms there. 40, with session context: R@10 dev 0.743 -> 0.742,
    # held out 0.709 -> 0.712 (R@1 unchanged), and recall p50 over Chroma + embedding 1.66 ->
    # 1.59-1.65 at 100k memories (B6).
    depth: int = 40
    recency_half_life_days: float = 30.0


def idf(rows: int, df: int) -> float:
    """BM25's inverse document frequency, always positive (Lucene's form)."""
    return math.log(1 + (rows - df + 0.5) / (df + 0.5))


def stem_weights(
    terms: Sequence[str], counts: Sequence[int], rows: int, stem: Callable[[str], str]
) -> dict[str, float]:
    """``stem -> weight``: the IDF of the stem's rarest term, so "deploy" and "deploys" weigh
    once. What recall scores by (``QueryTerms``) and the FTS5 index ranks its candidates by."""
    weights: dict[str, float] = {}
    for term, df in zip(terms, counts, strict=True):
        key = stem(term)
        weights[key] = max(weights.get(key, 0.0), idf(rows, df))
    return weights


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """A query's stemmed terms and each one's weight (its IDF in the workspace); words are
    stemmed in the workspace's language (``text.stemmer``)."""

    weights: Mapping[str, float]  # stem -> weight
    stem: Callable[[str], str]
    #: English stems and unstemmed words are prefixes of their words, so only words starting
    #: with a query stem need stemming (this pattern finds them); Snowball's stems may not be
    #: prefixes (German "häuser" -> "haus"): every word is stemmed.
    prefixed: re.Pattern[str] | None

    @classmethod
    def of(
        cls, query: str, rows: int, counts: Sequence[int], language: str = DEFAULT_LANGUAGE
    ) -> QueryTerms:
        stem = stemmer(language)
        weights = stem_weights(query_terms(query), counts, rows, stem)
        prefixed = None
        if language in (DEFAULT_LANGUAGE, "simple") and weights:
            alternatives = "|".join(map(re.escape, weights))
            prefixed = re.compile(rf"(?<!\w)(?:{alternatives})\w*")
        return cls(weights, stem, prefixed)

    def coverage(self, content: str) -> float:
        """The IDF-weighted fraction of the terms ``content`` contains, in [0, 1]."""
        total = sum(self.weights.values())
        if total <= 0:
            return 0.0
        if self.prefixed is not None:
            # Recall scores a few hundred candidates: stemming every word of each was a fifth of
            # its time; most words start with no query stem.
            candidates: Iterable[str] = self.prefixed.findall(content.lower())
        else:
            candidates = words(content)
        present = {self.stem(w) for w in candidates}
        return sum(w for s, w in self.weights.items() if s in present) / total


def semantic_part(cosine: float) -> float:
    return min(1.0, max(0.0, cosine))


def score(semantic: float, lexical: float, config: RelevanceConfig) -> float:
    """The absolute relevance in [0, 1] from the two parts."""
    w = config.lexical_weight
    return (semantic + w * lexical) / (1 + w)


def recency(updated_at: float | None, now: float, config: RelevanceConfig) -> float:
    """1 for a memory changed now, halving every ``recency_half_life_days``."""
    if updated_at is None:
        return 0.0
    age_days = max(0.0, now - updated_at) / DAY
    return float(0.5 ** (age_days / config.recency_half_life_days))


__all__ = [
    "QueryTerms",
    "RelevanceConfig",
    "idf",
    "recency",
    "score",
    "semantic_part",
    "stem_weights",
]
