"""Plug-in points of commit and briefing: where an LLM may help, never where one is required.

The defaults are deterministic and LLM-free (``scoring.HeuristicScorer``, the briefing's own
paragraph). ``agent_session_memory.llm`` implements all three on any ``complete(prompt) -> str``;
the LangChain and LlamaIndex adapters only teach it how to call their models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..models import Briefing


@dataclass(frozen=True, slots=True)
class ScoringItem:
    """What a scorer or extractor sees of one working-memory item."""

    key: str
    value: Any
    content: str  # the readable rendering that would become the memory's text
    rewrites: int  # version - 1: how often the item was rewritten
    reads: int


@runtime_checkable
class ImportanceScorer(Protocol):
    def score(self, items: Sequence[ScoringItem]) -> list[float]:
        """One importance in [0, 1] per item, in order."""
        ...


@runtime_checkable
class FactExtractor(Protocol):
    def extract(self, item: ScoringItem) -> list[str]:
        """Standalone facts to remember instead of the item's rendering ([]: keep the rendering)."""
        ...


@runtime_checkable
class BriefingSummarizer(Protocol):
    def summarize(self, briefing: Briefing) -> str:
        """One readable paragraph for ``briefing.recent_activity_summary``."""
        ...
