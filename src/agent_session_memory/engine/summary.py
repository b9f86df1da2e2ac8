"""The briefing's words, written deterministically: same data in, same sentences out.

An LLM may write the paragraph instead (``BriefingSummarizer``); these are what a person reads
when none is configured, so they favour plain counts and the user's own words (titles, decisions,
thread topics) over prose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..models import ActivityEntry, Memory, OpenThread, SessionStatus
from .labels import readable_key, shorten
from .rendering import render_value
from .session_view import SessionView, ranked_items, session_label

KEY_ITEMS = 3
LISTED = 3
DECISIONS_LISTED = 5


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def window_phrase(hours: float) -> str:
    """``24``: "the last 24 hours"; ``72``: "the last 3 days"; ``0.5``: "the last 30 minutes"."""
    if hours == 1:
        return "the last hour"
    if hours < 1:
        return f"the last {plural(max(1, round(hours * 60)), 'minute')}"
    if hours >= 48 and hours % 24 == 0:
        return f"the last {int(hours // 24)} days"
    shown = f"{hours:g}" if hours == int(hours) else f"{hours:.1f}"
    return f"the last {shown} hours"


def listing(parts: Sequence[str], limit: int = LISTED) -> str:
    """``a``, ``a and b``, ``a, b and c``, ``a, b, c and 2 more``."""
    shown = list(parts[:limit])
    if len(parts) > limit:
        shown.append(f"{len(parts) - limit} more")
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def session_summary(view: SessionView, memories_created: int, auto_committed: bool) -> str:
    """One entry of ``recent_activity``: what was worked on, and how the session stands."""
    ranked = ranked_items(view)
    parts = [f"{session_label(view)}."]
    if ranked:
        shown = [
            f"{readable_key(k)} ({shorten(render_value(v), 60)})" for k, v in ranked[:KEY_ITEMS]
        ]
        more = f" (+{len(ranked) - KEY_ITEMS} more)" if len(ranked) > KEY_ITEMS else ""
        parts.append(f"Working memory: {', '.join(shown)}{more}.")
    parts.append(
        {
            SessionStatus.ACTIVE: "Still active.",
            SessionStatus.ENDED: "Ended.",
            SessionStatus.EXPIRED: "Expired.",
        }[view.state]
    )
    pending = len(view.pending)
    if memories_created or view.record.committed_at is not None:
        how = "Auto-committed after expiry" if auto_committed else "Committed"
        parts.append(f"{how}: {plural(memories_created, 'new memory', 'new memories')}.")
    if pending and view.state is not SessionStatus.ACTIVE:
        parts.append(f"{plural(pending, 'item')} not committed yet.")
    return " ".join(parts)


def _top(counter: Counter[str], n: int = 3) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counter.most_common(n))


def workspace_summary(
    workspace_id: str, views: Sequence[SessionView], memories: Sequence[Memory]
) -> str:
    """Counts: sessions by state, memories, most common memory types and tags."""
    states = Counter(v.state.value for v in views)
    detail = ", ".join(f"{states[s.value]} {s.value}" for s in SessionStatus if states[s.value])
    text = f"{workspace_id}: {plural(len(views), 'session')}"
    text += f" ({detail})" if detail else ""
    text += f", {plural(len(memories), 'memory', 'memories')}."
    types = Counter(m.type for m in memories)
    tags = Counter(t for m in memories for t in m.tags)
    if types:
        text += f" Most common types: {_top(types)}."
    if tags:
        text += f" Most common tags: {_top(tags)}."
    return text


def _status(thread: OpenThread) -> str:
    return thread.status.value.replace("_", " ")


def paragraph(
    workspace_id: str,
    hours: float,
    activity: Sequence[ActivityEntry],
    labels: Sequence[str],
    decisions: Sequence[str],
    new_memories: int,
    threads: Sequence[OpenThread] | None,
) -> str:
    """``recent_activity_summary``: one paragraph to read at the start of a day.

    ``labels`` name the sessions of ``activity`` in the same order; ``threads=None`` when the
    caller did not ask for threads (the paragraph then does not mention them).
    """
    window = window_phrase(hours)
    if activity:
        active = sum(1 for a in activity if a.status is SessionStatus.ACTIVE)
        ran = "session ran" if len(activity) == 1 else "sessions ran"
        text = f"In {window}, {len(activity)} {ran} in {workspace_id}"
        text += f" ({active} still active)" if active else ""
        text += f": {listing(list(labels))}."
    else:
        text = f"No sessions ran in {workspace_id} in {window}."
    if decisions:
        quoted = [f"“{shorten(d, 80)}”" for d in decisions]
        label = "Decision" if len(decisions) == 1 else "Decisions"
        text += f" {label}: {listing(quoted, DECISIONS_LISTED)}."
    if new_memories:
        text += f" {plural(new_memories, 'new memory', 'new memories')} saved."
    if threads is not None:
        text += " " + threads_sentence(threads)
    return text


def threads_sentence(threads: Sequence[OpenThread]) -> str:
    if not threads:
        return "No open threads."
    listed = listing([f"{t.topic} ({_status(t)})" for t in threads], 4)
    verb = "thread is" if len(threads) == 1 else "threads are"
    return f"{len(threads)} {verb} still open: {listed}."
