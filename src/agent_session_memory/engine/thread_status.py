"""The status vocabulary of open threads: which words, fields and tags mean in progress,
blocked, waiting or closed.

Working-memory values (``{"status": "blocked"}``, ``{"done": true}``, a bare ``"blocked"``) and
memories (tags, ``metadata["status"]``) are read with it; docs/briefings.md lists the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from ..models import Memory, ThreadStatus

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
