"""When two texts state the same fact: cosine over a threshold, unless one slot value changed.

Measured (tests/longterm/test_commit.py): MiniLM puts paraphrases at 0.85-0.99 but also distinct
facts that differ in one value ("port 5432" / "port 5433" 0.974, "5 minutes" / "5 hours" 0.977,
"Tuesday" / "Thursday" 0.941), so no cosine threshold alone gives zero false merges. The guard
is deterministic: after dropping stopwords and crude stemming, if the numbers differ, or both texts
have the same length and differ by substituted words, a value changed: not a duplicate.
"""

from __future__ import annotations

import re
from collections import Counter

from .text import STOPWORDS, stem, words

#: Cosine from which a commit candidate may merge into an existing memory (see module docstring).
NEAR_DUPLICATE_THRESHOLD = 0.85

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def content_words(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def value_changed(a: str, b: str) -> bool:
    """True when ``b`` looks like ``a`` with one or more values swapped (a different fact)."""
    if Counter(_NUMBER.findall(a)) != Counter(_NUMBER.findall(b)):
        return True
    wa, wb = content_words(a), content_words(b)
    only_a, only_b = Counter(wa) - Counter(wb), Counter(wb) - Counter(wa)
    return len(wa) == len(wb) and bool(only_a) and bool(only_b)


def same_fact(a: str, b: str, cosine: float, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> bool:
    return cosine >= threshold and not value_changed(a, b)
