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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import ContextItem, Memory, OpenThread, SessionStatus, ThreadStatus, to_datetime
from .labels import item_topic, shorten, title
from .rendering import render_value
from .session_view import SessionView, session_label
from .thread_status import CLOSED, Status, memory_status, value_status


@dataclass(slots=True)
class _Observation:
    at: float
    status: Status
    thread: OpenThread | None


def _key_memories(memories: Iterable[Memory], limit: int = 3) -> list[str]:
    ranked = sorted(memories, key=lambda m: (-m.importance, m.id))
    return [m.content for m in ranked[:limit]]


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
    named = title(item.value)
    return f"key:{item.key}" + (f"\x00{' '.join(named.lower().split())}" if named else "")


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
