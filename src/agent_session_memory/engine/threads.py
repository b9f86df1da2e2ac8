"""Open-thread detection: pure functions over sessions, working memory and memories.

A thread is work someone will want to pick up again. Three sources (docs/briefings.md):

- ``expired_session`` / ``ended_session``: a session that expired or ended holding working
  memory no commit has seen yet. A commit resolves it.
- ``working_memory``: an item whose value carries an open status (``{"status": "blocked"}``, or
  the bare string ``"blocked"``). Setting the same key to a closed status closes it.
- ``memory``: a long-term memory tagged ``open`` (or with an open status in its tags or
  ``metadata["status"]``) and not tagged or marked closed.

Threads are identified by their key (and the value's title, when it has one), so the newest
observation wins: ``in_progress`` in Monday's session and ``done`` in Tuesday's means the thread
is closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..models import ContextItem, Memory, OpenThread, SessionStatus, ThreadStatus, to_datetime
from ..stores.sessions.base import SessionRecord
from .protocols import ScoringItem
from .rendering import memory_type, render_item, render_value
from .scoring import score_item

Closed = Literal["closed"]
CLOSED: Closed = "closed"
Status = ThreadStatus | Closed

_WORDS: dict[Status, tuple[str, ...]] = {
    ThreadStatus.IN_PROGRESS: (
        "in_progress",
        "inprogress",
        "wip",
        "ongoing",
        "started",
        "doing",
        "working",
        "active",
        "open",
        "todo",
        "to_do",
        "planned",
        "not_started",
        "next",
        "new",
        "reopened",
        "draft",
    ),
    ThreadStatus.BLOCKED: ("blocked", "stuck", "impeded", "failing", "broken", "blocker"),
    ThreadStatus.WAITING: (
        "waiting",
        "pending",
        "on_hold",
        "hold",
        "paused",
        "deferred",
        "needs_review",
        "in_review",
        "review",
        "needs_input",
        "needs_info",
        "snoozed",
        "queued",
        "awaiting",
    ),
    CLOSED: (
        "done",
        "complete",
        "completed",
        "closed",
        "resolved",
        "fixed",
        "finished",
        "cancelled",
        "canceled",
        "abandoned",
        "wontfix",
        "wont_fix",
        "merged",
        "shipped",
        "released",
        "obsolete",
        "dropped",
        "rejected",
        "duplicate",
        "solved",
        "answered",
    ),
}
STATUS_WORDS: dict[str, Status] = {w: status for status, words in _WORDS.items() for w in words}
_PREFIXES: tuple[tuple[str, Status], ...] = (
    ("blocked_", ThreadStatus.BLOCKED),
    ("waiting_", ThreadStatus.WAITING),
    ("awaiting_", ThreadStatus.WAITING),
)
# Bare values and tags are read with a narrower vocabulary: "new", "review" or "active" say too
# little on their own to open a thread.
_UNAMBIGUOUS = frozenset(
    {
        "open",
        "in_progress",
        "wip",
        "todo",
        "blocked",
        "stuck",
        "waiting",
        "on_hold",
        "pending",
        "done",
        "closed",
        "resolved",
        "complete",
        "completed",
        "cancelled",
        "canceled",
        "wontfix",
    }
)
_STATUS_FIELDS = ("status", "state")
_DONE_FLAGS = ("done", "completed", "closed", "resolved")
_TITLE_FIELDS = ("topic", "title", "name", "task", "goal", "summary", "description")
TOPIC_CHARS = 100


def _norm(word: str) -> str:
    return re.sub(r"[\s\-]+", "_", word.strip().lower()).replace("'", "")


def parse_status(word: Any, *, strict: bool = False) -> Status | None:
    """A status word to its meaning; ``None`` when it is not a status we know.
    ``strict``: only the unambiguous words (for bare values and tags)."""
    if not isinstance(word, str):
        return None
    norm = _norm(word)
    if strict:
        return STATUS_WORDS.get(norm) if norm in _UNAMBIGUOUS else None
    if norm in STATUS_WORDS:
        return STATUS_WORDS[norm]
    return next((status for prefix, status in _PREFIXES if norm.startswith(prefix)), None)


def value_status(value: Any) -> Status | None:
    """The status a working-memory value carries: a ``status``/``state`` field, a ``done: true``
    flag, or the value itself when it is a bare status word."""
    if isinstance(value, str):
        return parse_status(value, strict=True)
    if not isinstance(value, Mapping):
        return None
    for name in _STATUS_FIELDS:
        if name in value:
            return parse_status(value[name])
    if any(value.get(flag) is True for flag in _DONE_FLAGS):
        return CLOSED
    return None


def shorten(text: str, limit: int = TOPIC_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def readable_key(key: str) -> str:
    """``auth_refactor`` -> ``auth refactor`` (as the memory rendering does)."""
    return re.sub(r"[_\-.]+", " ", key).strip() or key


def item_topic(key: str, value: Any) -> str:
    """A thread's topic: the value's title-like field, else the key made readable."""
    return shorten(_title(value) or readable_key(key))


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


@dataclass(slots=True)
class _Observation:
    at: float
    status: Status
    thread: OpenThread | None


def _key_memories(memories: Iterable[Memory], limit: int = 3) -> list[str]:
    ranked = sorted(memories, key=lambda m: (-m.importance, m.id))
    return [m.content for m in ranked[:limit]]


def ranked_items(view: SessionView) -> list[tuple[str, Any]]:
    """Working-memory items, most important first (explicit importance, else the heuristic)."""

    def score(item: ContextItem) -> float:
        if item.importance is not None:
            return item.importance
        rendered = render_item(item.key, item.value)
        return score_item(ScoringItem(item.key, item.value, rendered, item.version - 1, item.reads))

    ranked = sorted(view.items.values(), key=lambda i: (-score(i), i.key))
    return [(i.key, i.value) for i in ranked]


def _title(value: Any) -> str | None:
    if isinstance(value, Mapping):
        for name in _TITLE_FIELDS:
            title = value.get(name)
            if isinstance(title, str) and title.strip():
                return title
    return None


def session_label(view: SessionView) -> str:
    """A session's name: its metadata title, else the title of its most important item that has
    one (``{"goal": "Fix login"}``), else a task item's text, else its short id."""
    ranked = ranked_items(view)
    found = _title(view.record.metadata) or next(
        (t for t in (_title(v) for _, v in ranked) if t), None
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


def session_thread(view: SessionView, memories: Sequence[Memory]) -> OpenThread | None:
    """An expired or ended session with uncommitted working memory, else None."""
    pending = view.pending
    if view.state is SessionStatus.ACTIVE or not pending:
        return None
    r = view.record
    keys = ", ".join(sorted(i.key for i in pending)[:5])
    verb = "expired" if view.state is SessionStatus.EXPIRED else "ended"
    label = session_label(view)
    label = label if label.startswith("session ") else f"“{label}” (session {r.id[:8]})"
    count = f"{len(pending)} uncommitted item{'s' if len(pending) != 1 else ''}"
    return OpenThread(
        topic=f"{label} {verb} with {count} ({keys})",
        status=ThreadStatus.WAITING,
        last_activity=to_datetime(view.last_activity),  # type: ignore[arg-type]
        source=f"{verb}_session",
        session_id=r.id,
        key_memories=_key_memories(m for m in memories if m.session_id == r.id),
    )


def _item_ident(item: ContextItem) -> str:
    """The same key with the same title is the same thread across sessions (``task`` is often
    reused for different tasks; its ``goal`` tells them apart)."""
    title = _title(item.value)
    return f"key:{item.key}" + (f"\x00{' '.join(title.lower().split())}" if title else "")


def _item_observations(
    views: Sequence[SessionView], memories: Sequence[Memory]
) -> dict[str, list[_Observation]]:
    seen: dict[str, list[_Observation]] = {}
    for view in views:
        for item in view.items.values():
            status = value_status(item.value)
            if status is None:
                continue
            at = item.updated_at.timestamp() if item.updated_at else view.last_activity
            thread = None
            if status != CLOSED:
                thread = OpenThread(
                    topic=item_topic(item.key, item.value),
                    status=status,
                    last_activity=to_datetime(at),  # type: ignore[arg-type]
                    source="working_memory",
                    session_id=view.record.id,
                    key=item.key,
                    key_memories=_key_memories(m for m in memories if m.key == item.key),
                )
            seen.setdefault(_item_ident(item), []).append(_Observation(at, status, thread))
    return seen


def memory_status(memory: Memory) -> Status | None:
    """Open or closed by tags and ``metadata["status"]`` (closed wins); None: not a thread."""
    tags = [parse_status(t, strict=True) for t in memory.tags]
    meta = parse_status(memory.metadata.get("status"))
    if CLOSED in tags or meta == CLOSED:
        return CLOSED
    if meta is not None:
        return meta
    for status in (ThreadStatus.BLOCKED, ThreadStatus.WAITING, ThreadStatus.IN_PROGRESS):
        if status in tags:  # the most telling tag wins over a plain "open"
            return status
    return None


def _memory_observations(memories: Sequence[Memory]) -> dict[str, list[_Observation]]:
    seen: dict[str, list[_Observation]] = {}
    for memory in memories:
        status = memory_status(memory)
        if status is None:
            continue
        when = memory.updated_at or memory.created_at
        at = when.timestamp() if when else 0.0
        thread = None
        if status != CLOSED:
            thread = OpenThread(
                topic=shorten(render_value(memory.content)),
                status=status,
                last_activity=to_datetime(at),  # type: ignore[arg-type]
                source="memory",
                session_id=memory.session_id,
                key=memory.key,
                key_memories=[memory.content],
            )
        ident = f"key:{memory.key}" if memory.key else f"memory:{memory.id}"
        seen.setdefault(ident, []).append(_Observation(at, status, thread))
    return seen


def open_threads(views: Sequence[SessionView], memories: Sequence[Memory]) -> list[OpenThread]:
    """Every open thread of a workspace, newest activity first."""
    observed = _item_observations(views, memories)
    for ident, found in _memory_observations(memories).items():
        observed.setdefault(ident, []).extend(found)
    threads = []
    for found in observed.values():
        # Newest wins; on a tie a closing observation wins (the work was finished then).
        latest = max(found, key=lambda o: (o.at, o.status == CLOSED))
        if latest.thread is not None:
            threads.append(latest.thread)
    threads += [t for t in (session_thread(v, memories) for v in views) if t is not None]
    return sorted(threads, key=lambda t: (-t.last_activity.timestamp(), t.topic))
