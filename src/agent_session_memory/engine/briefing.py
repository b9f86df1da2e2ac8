"""Briefings: what happened lately in a workspace, and what is still open.

Built from the session store (sessions, their working memory, the event log) and the long-term
memories, with no LLM: ``threads`` finds the open threads, ``summary`` writes the sentences. A
``BriefingSummarizer`` may write the paragraph instead; if it fails, the deterministic one stays.
Nothing here reads another workspace: every query is scoped by the validated workspace id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import validation as check
from ..errors import InvalidInput, SessionNotFound
from ..models import (
    ActivityEntry,
    Briefing,
    EventType,
    Memory,
    SessionStatus,
    replace,
    to_datetime,
)
from ..stores.sessions.base import EventRecord, session_state
from . import _convert, summary
from .boundary import boundary
from .labels import shorten
from .open_threads import open_threads
from .protocols import BriefingSummarizer
from .rendering import memory_type, render_value
from .session_view import SessionView, session_label
from .shared import Shared

log = logging.getLogger(__name__)

MAX_SESSIONS = 500  # newest sessions a briefing reads the working memory of
MEMORY_PAGE = 1_000
MAX_MEMORIES_READ = 10_000
DECISION_TYPE = "decision"


@dataclass(slots=True)
class _Window:
    """The sessions of the lookback window with what the briefing says about each."""

    views: list[SessionView]
    entries: list[ActivityEntry]
    labels: list[str]
    decisions: list[str]


@boundary
class BriefingService:
    def __init__(
        self,
        shared: Shared,
        *,
        sweep_now: Callable[[str], None],
        list_memories: Callable[..., list[Memory]],
        summarizer: BriefingSummarizer | None = None,
    ) -> None:
        self._shared = shared
        self._store = shared.store
        self._settings = shared.settings
        self._limits = shared.limits
        self._sweep_now = sweep_now
        self._list_memories = list_memories
        self.summarizer = summarizer

    def get_briefing(
        self,
        lookback_hours: float = 24,
        *,
        include_threads: bool = True,
        max_memories: int = 10,
        workspace_id: str | None = None,
    ) -> Briefing:
        """Recent activity, open threads and the top memories of one workspace."""
        workspace = self._shared.workspace(workspace_id)
        hours = check.hours(lookback_hours, "lookback_hours", self._limits.max_lookback_hours)
        top_n = _count(max_memories, "max_memories", self._limits.max_k)
        self._sweep_now(workspace)  # expired sessions are committed before we look
        now = self._shared.now()
        since = now - hours * 3600
        views = self._views(workspace, now)
        memories = self._all_memories(workspace)
        window = self._window(workspace, views, memories, since)
        threads = open_threads(views, memories) if include_threads else []
        new_memories = len(
            self._store.list_events(workspace, since=since, types=[EventType.MEMORY_CREATED.value])
        )
        loose = [
            m.content
            for m in memories
            if m.type == DECISION_TYPE and m.session_id is None and _at(m) >= since
        ]
        briefing = Briefing(
            workspace_id=workspace,
            generated_at=to_datetime(now),  # type: ignore[arg-type]
            lookback_hours=hours,
            workspace_summary=summary.workspace_summary(workspace, views, memories),
            recent_activity=window.entries,
            recent_activity_summary=summary.paragraph(
                workspace,
                hours,
                window.entries,
                window.labels,
                _unique(window.decisions + loose),
                new_memories,
                threads if include_threads else None,
            ),
            open_threads=threads,
            memories=_top_memories(memories, top_n),
        )
        return self._summarized(briefing)

    def for_new_session(self, workspace_id: str) -> Briefing:
        """The briefing ``create_session(briefing=True)`` hands back."""
        return self.get_briefing(workspace_id=workspace_id)

    # -- reading ----------------------------------------------------------------------------
    def _views(self, workspace: str, now: float) -> list[SessionView]:
        views = []
        for record in self._store.list_sessions(workspace, limit=MAX_SESSIONS):
            try:
                found = self._store.get_context(
                    record.id, None, now, count_read=False, include_expired=True
                )
            except SessionNotFound:  # deleted while we read
                continue
            items = {k: _convert.context_item(r) for k, r in found.items()}
            views.append(SessionView(record, SessionStatus(session_state(record, now)), items))
        return views

    def _all_memories(self, workspace: str) -> list[Memory]:
        """Every current memory of the workspace (bounded)."""
        memories: list[Memory] = []
        while len(memories) < MAX_MEMORIES_READ:
            page = self._list_memories(
                workspace_id=workspace, limit=MEMORY_PAGE, offset=len(memories)
            )
            memories += page
            if len(page) < MEMORY_PAGE:
                break
        return memories

    def _window(
        self,
        workspace: str,
        views: Sequence[SessionView],
        memories: Sequence[Memory],
        since: float,
    ) -> _Window:
        """Sessions someone worked in during the window (a session that only started and did
        nothing yet, like the one a briefing is being made for, is not activity)."""
        chosen = [v for v in views if v.record.changed_at is not None and v.last_activity >= since]
        chosen.sort(key=lambda v: (-v.last_activity, v.record.id))
        commits = self._commits(workspace, chosen)
        window = _Window(chosen, [], [], [])
        for view in chosen:
            own = commits.get(view.record.id, [])
            created = sum(int(_data(e).get("memories_created", 0) or 0) for e in own)
            auto = any(e.at >= view.record.expires_at for e in own)
            decisions = _decisions(view, memories)
            window.entries.append(
                ActivityEntry(
                    session_id=view.record.id,
                    started_at=to_datetime(view.record.created_at),  # type: ignore[arg-type]
                    last_activity=to_datetime(view.last_activity),  # type: ignore[arg-type]
                    status=view.state,
                    summary=summary.session_summary(view, created, auto),
                    memories_created=created,
                    key_decisions=decisions,
                )
            )
            window.labels.append(session_label(view))
            window.decisions += decisions
        return window

    def _commits(
        self, workspace: str, views: Sequence[SessionView]
    ) -> dict[str, list[EventRecord]]:
        if not views:
            return {}
        start = min(v.record.created_at for v in views)
        events = self._store.list_events(
            workspace, since=start, types=[EventType.SESSION_COMMITTED.value]
        )
        wanted = {v.record.id for v in views}
        out: dict[str, list[EventRecord]] = {}
        for event in events:
            if event.session_id in wanted:
                out.setdefault(event.session_id, []).append(event)
        return out

    def _summarized(self, briefing: Briefing) -> Briefing:
        """Let the configured summariser write the paragraph; keep ours if it cannot."""
        if self.summarizer is None:
            return briefing
        try:
            text = self.summarizer.summarize(briefing)
        except Exception as exc:  # any failure of a plug-in LLM must not cost the briefing
            log.warning("briefing summariser failed, using the built-in paragraph: %r", exc)
            return briefing
        if not isinstance(text, str) or not text.strip():
            log.warning("briefing summariser returned no text, using the built-in paragraph")
            return briefing
        return replace(briefing, recent_activity_summary=text.strip())


def _count(value: Any, what: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise InvalidInput(
            f"{what} must be an integer in [0, {maximum}], not {value!r}", field=what
        )
    return value


def _data(event: EventRecord) -> dict[str, Any]:
    try:
        data = json.loads(event.data_json or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _at(memory: Memory) -> float:
    when = memory.created_at or memory.updated_at
    return when.timestamp() if when else 0.0


def _unique(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))


def _decisions(view: SessionView, memories: Sequence[Memory]) -> list[str]:
    """Decision-type working-memory items of the session, then its decision memories."""
    keys = sorted(k for k in view.items if memory_type(k) == DECISION_TYPE)
    found = [shorten(render_value(view.items[k].value), 160) for k in keys]
    sid = view.record.id
    found += [
        m.content
        for m in sorted(memories, key=_at)
        if m.type == DECISION_TYPE
        and m.key not in view.items
        and (m.session_id == sid or sid in m.source_sessions)
    ]
    return _unique(found)


def _top_memories(memories: Sequence[Memory], n: int) -> list[Memory]:
    """By importance, then the most recent, then id (a stable order)."""
    ranked = sorted(memories, key=lambda m: (-m.importance, -_recency(m), m.id))
    return ranked[:n]


def _recency(memory: Memory) -> float:
    when = memory.updated_at or memory.created_at
    return when.timestamp() if when else 0.0
