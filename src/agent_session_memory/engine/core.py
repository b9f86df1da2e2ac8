"""The Engine: builds its services and hands each the collaborators it needs.

Every operation lives on exactly one service (``engine.sessions.create_session``,
``engine.memories.recall``, ...; the operation registry, ``contract/operations/``, names
each one's service). What a service calls on another is passed in here, so this constructor is
the one place that shows the wiring. Every operation validates its input first, so the stores
below only ever see well-formed values.
"""

from __future__ import annotations

from typing import Any

from ..clock import Clock, SystemClock
from ..config import Settings
from ..errors import ConfigurationError
from ..stores.sessions.base import SessionStore
from ..tokens import TokenCounter
from .briefing import BriefingService
from .commit import CommitService
from .context import ContextService
from .lifecycle import LifecycleService
from .longterm import LazyLongTerm
from .memory_ops import MemoryService
from .messages import MessageService
from .protocols import BriefingSummarizer, FactExtractor, ImportanceScorer
from .scoring import HeuristicScorer
from .sessions import SessionService
from .shared import Shared
from .workspaces import WorkspaceService

# Options handed to the long-term side when it opens (it is heavy, so it opens on first use):
# checked here so that a misspelt option fails at construction, not at the first recall.
LONGTERM_OPTIONS = frozenset(
    {"embedding_function", "fusion", "near_duplicate_threshold", "longterm_store"}
)


class Engine:
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
        self.clock = clock or SystemClock()
        self.store = session_store or _open_session_store(self.settings)
        shared = Shared(self.settings, self.clock, self.store, token_counter)
        self._longterm = LazyLongTerm(lambda: _open_longterm(shared, longterm_options))

        self.memories = MemoryService(shared, self._longterm)
        self.commits = CommitService(
            shared,
            self._longterm,
            scorer=scorer or HeuristicScorer(),
            fact_extractor=fact_extractor,
        )
        self.lifecycle = LifecycleService(
            shared,
            commit=self.commits.commit_session,
            forget_expired_memories=lambda: self._longterm.get().sweep_expired(),
        )
        self.briefings = BriefingService(
            shared,
            sweep_now=self.lifecycle.sweep_now,
            list_memories=self.memories.list_memories,
            summarizer=summarizer,
        )
        self.sessions = SessionService(
            shared,
            lazy_sweep=self.lifecycle.lazy_sweep,
            briefing=self.briefings.for_new_session,
            commit=self.commits.commit_session,
        )
        self.context = ContextService(shared)
        self.messages = MessageService(shared)
        self.workspaces = WorkspaceService(shared, self._longterm)

    @property
    def longterm(self) -> Any:
        """The long-term memory (Chroma + lexical index), opened on first use: it is heavy."""
        return self._longterm.get()

    def close(self) -> None:
        self._longterm.close()
        self.store.close()


def _open_session_store(settings: Settings) -> SessionStore:
    from ..stores.sessions.factory import open_session_store
    from .longterm.factory import lexical_path
    from .longterm.home_check import check_sessions_file

    embedded_rows = settings.lexical_url is None or settings.lexical_url.startswith("sqlite:///")
    if settings.session_store_url is None and settings.chroma_url is None and embedded_rows:
        check_sessions_file(
            settings.home / "sessions.db", lexical_path(settings), settings.home / "chroma"
        )
    return open_session_store(
        settings.resolved_session_store_url(),
        retention_seconds=settings.expired_retention_seconds,
    )


def _open_longterm(shared: Shared, options: dict[str, Any]) -> Any:
    from .longterm import LongTermMemory

    return LongTermMemory(
        shared.settings,
        clock=shared.clock,
        emit=shared.store.append_events,
        event=shared.event,
        **options,
    )
