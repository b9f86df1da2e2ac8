"""The default importance scorer: deterministic, LLM-free, and documented signal by signal.

Score = 0.30 (base)
      + key cue      decision +0.35 · preference +0.30 · requirement/constraint/rule +0.30 ·
                     profile (user, name, ...) +0.25 · lesson (bug, fix, insight, ...) +0.25 ·
                     task/goal/plan +0.20 · transient (tmp, scratch, cache, cursor, debug) -0.25
      + value cue    +0.10 for each of: decided/chose, must/never/always, prefer, important/
                     remember, because (at most +0.20)
      + rewrites     +0.05 per rewrite (at most +0.15): an item refined again and again matters
      + reads        +0.03 per read (at most +0.15): an item the agent keeps consulting matters
      + shape        structured (a dict of 2+ fields) +0.05 · trivial value (< 4 characters) -0.10
clamped to [0, 1]. See docs/commit.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .protocols import ScoringItem
from .rendering import render_value

BASE = 0.30
KEY_CUES: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"decision|decided|choice|chose|adr", re.I), 0.35),
    (re.compile(r"prefer|preference|favou?rite", re.I), 0.30),
    (re.compile(r"requirement|constraint|rule|policy|convention", re.I), 0.30),
    (re.compile(r"user|name|profile|persona|identity|contact", re.I), 0.25),
    (re.compile(r"lesson|learn|insight|finding|root_?cause|fix|bug|gotcha", re.I), 0.25),
    (re.compile(r"task|todo|goal|plan|next_?step|thread|objective", re.I), 0.20),
    (re.compile(r"tmp|temp|scratch|cache|cursor|debug|buffer|draft", re.I), -0.25),
]
CONTENT_CUES = [
    re.compile(r"\b(decided|decision|chose|choose|agreed)\b", re.I),
    re.compile(r"\b(must|never|always|required?)\b", re.I),
    re.compile(r"\b(prefers?|preferred|likes?)\b", re.I),
    re.compile(r"\b(important|remember|critical|key)\b", re.I),
    re.compile(r"\bbecause\b", re.I),
]


def _key_signal(key: str) -> float:
    """The strongest positive cue plus any transient penalty: keys often carry several words."""
    hits = [weight for pattern, weight in KEY_CUES if pattern.search(key)]
    positive = max((w for w in hits if w > 0), default=0.0)
    return positive + sum(w for w in hits if w < 0)


def score_item(item: ScoringItem) -> float:
    score = BASE + _key_signal(item.key)
    value_text = render_value(item.value)  # the key has had its say: cues come from the value
    score += min(0.20, 0.10 * sum(1 for p in CONTENT_CUES if p.search(value_text)))
    score += min(0.15, 0.05 * item.rewrites)
    score += min(0.15, 0.03 * item.reads)
    if isinstance(item.value, dict) and len(item.value) >= 2:
        score += 0.05
    if len(value_text.strip()) < 4:
        score -= 0.10
    return round(min(1.0, max(0.0, score)), 4)


class HeuristicScorer:
    """The default ``ImportanceScorer``."""

    def score(self, items: Sequence[ScoringItem]) -> list[float]:
        return [score_item(item) for item in items]
