"""Choosing the newest messages that fit a token budget, without breaking the conversation.

Rules (LangMem #126 shows what happens otherwise: orphaned tool results break the next call):
- the system message (the session's first message, when its role is ``system``) is always kept
  and its tokens count against the budget;
- an assistant message that calls tools and the tool results that answer it are one unit: kept
  or dropped together;
- the newest user message is always kept, even when it alone is over the budget;
- otherwise the window is the longest run of newest units that fits, cut so that it starts
  with a user message (an assistant turn or tool results right after the system message are an
  orphan half of an exchange that several chat APIs reject).
``without_orphans`` applies the same start rule to ``last_n`` windows for tool results: a
window never starts with a tool result whose call is outside it.
Reading stops as soon as the window is full, so the cost is O(window), not O(history).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from ..stores.sessions.base import MessageRecord

TOOL_RESULT_ROLES = frozenset({"tool", "function"})


def _units(
    newest_first: Iterator[MessageRecord], stop_seq: int | None
) -> Iterator[list[MessageRecord]]:
    """Group messages, newest first, into units that must stay together."""
    pending: list[MessageRecord] = []
    for message in newest_first:
        if message.seq == stop_seq:
            break
        pending.append(message)
        if message.role in TOOL_RESULT_ROLES:
            continue  # its calling assistant message is older: keep collecting
        yield pending
        pending = []
    if pending:
        yield pending  # results whose call is gone (already trimmed): still one unit


def select_window(
    newest_first: Iterable[MessageRecord], budget: int, system: MessageRecord | None
) -> list[MessageRecord]:
    """The messages to send, oldest first."""
    remaining = budget - (system.token_count if system else 0)
    stream = iter(newest_first)
    units = _units(stream, system.seq if system else None)
    chosen: list[MessageRecord] = []  # newest first
    has_user = False
    for unit in units:
        cost = sum(m.token_count for m in unit)
        if cost > remaining:
            if not has_user:
                chosen.extend(_newest_user(unit, units))
            break
        chosen.extend(unit)
        remaining -= cost
        has_user = has_user or any(m.role == "user" for m in unit)
    head = [system] if system else []
    return head + _from_first_user(chosen[::-1])


def _from_first_user(window: list[MessageRecord]) -> list[MessageRecord]:
    """The window from its first user message on (whole, when it has none but orphans cut)."""
    for i, message in enumerate(window):
        if message.role == "user":
            return window[i:]
    return without_orphans(window)


def without_orphans(window: list[MessageRecord]) -> list[MessageRecord]:
    """The window without the tool results at its start (their call is not in it)."""
    start = 0
    while start < len(window) and window[start].role in TOOL_RESULT_ROLES:
        start += 1
    return window[start:]


def _newest_user(
    unit: list[MessageRecord], rest: Iterator[list[MessageRecord]]
) -> list[MessageRecord]:
    """The newest user message at or beyond the unit that did not fit (scanned only if needed)."""
    for candidate in itertools.chain([unit], rest):
        for message in candidate:
            if message.role == "user":
                return [message]
    return []
