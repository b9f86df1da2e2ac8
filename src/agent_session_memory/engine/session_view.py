"""What the briefing knows about one session (``SessionView``), its items ranked by importance,
and the name a person would give it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import ContextItem, SessionStatus
from ..stores.sessions.base import SessionRecord
from .labels import shorten, title
from .protocols import ScoringItem
from .rendering import memory_type, render_item
from .scoring import score_item
from .thread_status import value_status


@dataclass(slots=True)
class SessionView:
    """What the briefing knows about one session: its record, state and working memory."""

    record: SessionRecord
    state: SessionStatus
    items: dict[str, ContextItem] = field(default_factory=dict)

    @property
    def pending(self) -> list[ContextItem]:
        """Items no commit has seen: never committed at this version, and changed after the last
        commit (a commit that judged an item below the threshold has still seen it)."""
        since = self.record.committed_at
        return [
            i
            for i in self.items.values()
            if i.committed_version != i.version
            and (since is None or i.updated_at is None or i.updated_at.timestamp() > since)
        ]

    @property
    def last_activity(self) -> float:
        """When someone last worked in the session (a sweep's commit after expiry is not work)."""
        r = self.record
        times = [r.created_at, r.touched_at, r.changed_at or 0.0]
        times += [t for t in (r.ended_at, r.committed_at) if t is not None and t <= r.expires_at]
        return max(times)


def ranked_items(view: SessionView) -> list[tuple[str, Any]]:
    """Working-memory items, most important first (explicit importance, else the heuristic)."""

    def score(item: ContextItem) -> float:
        if item.importance is not None:
            return item.importance
        rendered = render_item(item.key, item.value)
        return score_item(ScoringItem(item.key, item.value, rendered, item.version - 1, item.reads))

    ranked = sorted(view.items.values(), key=lambda i: (-score(i), i.key))
    return [(i.key, i.value) for i in ranked]


def session_label(view: SessionView) -> str:
    """A session's name: its metadata title, else the title of its most important item that has
    one (``{"goal": "Fix login"}``), else a task item's text, else its short id."""
    ranked = ranked_items(view)
    found = title(view.record.metadata) or next(
        (t for t in (title(v) for _, v in ranked) if t), None
    )
    if found is None:
        found = next(
            (
                v
                for k, v in ranked
                if isinstance(v, str) and memory_type(k) == "task" and value_status(v) is None
            ),
            None,
        )
    return shorten(found, 60) if found else f"session {view.record.id[:8]}"
