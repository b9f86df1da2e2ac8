"""Choosing the newest messages that fit a token budget, without breaking the conversation.

Rules (LangMem #126 shows what happens otherwise: orphaned tool results break the next call):
- the system message (the session's first message, when its role is ``system``) is always kept
  and its tokens count against the budget;
- an assistant message that calls tools and the tool results that answer it are one unit: kept
  or dropped together;
- the newest user message is always kept, even when it alone is over the budget;
- otherwise the window is the longest run of newest units that fits.
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
    return head + chosen[::-1]


def _newest_user(
    unit: list[MessageRecord], rest: Iterator[list[MessageRecord]]
) -> list[MessageRecord]:
    """The newest user message at or beyond the unit that did not fit (scanned only if needed)."""
    for candidate in itertools.chain([unit], rest):
        for message in candidate:
            if message.role == "user":
                return [message]
    return []
