"""The Engine: settings, clock and stores wired together, with every operation mixed in.

Each group of operations lives in its own module (sessions, context, messages, commit, memories,
briefing); ``Engine`` only composes them. Every public method validates its input first, so the
stores below only ever see well-formed values.
"""

from __future__ import annotations

import threading
from typing import Any

from ..clock import Clock, SystemClock
from ..config import Settings
from ..errors import ConfigurationError
from ..stores.sessions.base import SessionStore
from ..tokens import TokenCounter
from .briefing import BriefingOps
from .commit import CommitOps
from .context import ContextOps
from .lifecycle import LifecycleOps
from .memory_ops import MemoryOps
from .messages import MessageOps
from .protocols import BriefingSummarizer, FactExtractor, ImportanceScorer
from .scoring import HeuristicScorer
from .sessions import SessionOps

# Options handed to the long-term side when it opens (it is heavy, so it opens on first use):
# checked here so that a misspelt option fails at construction, not at the first recall.
LONGTERM_OPTIONS = frozenset(
    {"embedding_function", "fusion", "near_duplicate_threshold", "longterm_store"}
)


class Engine(BriefingOps, LifecycleOps, CommitOps, SessionOps, ContextOps, MessageOps, MemoryOps):
    """One process's view of a memory home (or of shared Redis + Chroma servers)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Clock | None = None,
        session_store: SessionStore | None = None,
        token_counter: TokenCounter | None = None,
        scorer: ImportanceScorer | None = None,
        fact_extractor: FactExtractor | None = None,
        summarizer: BriefingSummarizer | None = None,
        **longterm_options: Any,
    ) -> None:
        unknown = set(longterm_options) - LONGTERM_OPTIONS
        if unknown:
            raise ConfigurationError(f"unknown engine options: {sorted(unknown)}")
        self.settings = settings or Settings.from_env()
        self.limits = self.settings.limits
        self.clock = clock or SystemClock()
        if session_store is None:
            from ..stores.sessions.factory import open_session_store

            session_store = open_session_store(
                self.settings.resolved_session_store_url(),
                retention_seconds=self.settings.expired_retention_seconds,
            )
        self.store = session_store
        self._token_counter = token_counter
        self.scorer = scorer or HeuristicScorer()
        self.fact_extractor = fact_extractor
        self.summarizer = summarizer
        self._longterm_options = longterm_options
        self._longterm = None
        self._longterm_lock = threading.Lock()

    def close(self) -> None:
        if self._longterm is not None:
            self._longterm.close()
        self.store.close()
