"""When a session accepts writes and when its memory may be read: the rule, written once.

A session is **live** (accepts writes) when its status is ``active`` and ``now < expires_at``.
It is **readable** (its working memory and messages may be returned) when it is ``ended`` or
``now < expires_at``. So at ``now == expires_at`` an active session has expired: neither.

The two :class:`Rule` declarations below are the only place this is written. The memory store
evaluates them in Python (:func:`holds`), SQLite in the ``WHERE`` clauses :func:`sql` renders,
Redis in the Lua conditions :func:`lua` renders; ``tests/stores/test_liveness.py`` runs all
three on the boundary (expires exactly now, one float tick before, one after). The stores only
decide *whether* a session passes; the check functions here name *why* it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ...errors import SessionEnded, SessionExpired, SessionNotFound
from .records import SessionRecord

ACTIVE = "active"
ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Rule:
    """``status == <status>`` joined by ``and``/``or`` to ``now < expires_at``."""

    status: str
    join: Literal["and", "or"]


LIVE = Rule(ACTIVE, "and")
READABLE = Rule(ENDED, "or")


def holds(rule: Rule, status: str, expires_at: float, now: float) -> bool:
    """The rule in Python (the memory store, and the reason-naming checks below)."""
    if rule.join == "and":
        return status == rule.status and now < expires_at
    return status == rule.status or now < expires_at


def sql(
    rule: Rule, *, now: str = "?", status: str = "status", expires_at: str = "expires_at"
) -> str:
    """The rule as an SQL condition over a ``sessions`` row; ``now`` is a parameter marker."""
    return f"({status} = '{rule.status}' {rule.join.upper()} {now} < {expires_at})"


def lua(rule: Rule, *, now: str, status: str, expires_at: str) -> str:
    """The rule as a Lua expression; the arguments are Lua expressions (numbers for times)."""
    return f"({status} == '{rule.status}' {rule.join} {now} < {expires_at})"


def session_state(record: SessionRecord, now: float) -> str:
    """``active``, ``ended`` or ``expired``: the one definition of a session's status."""
    if record.status == ENDED:
        return ENDED
    return ACTIVE if holds(LIVE, record.status, record.expires_at, now) else "expired"


def check_readable(record: SessionRecord | None, session_id: str, now: float) -> SessionRecord:
    """Working memory of an active or ended session can be read; an expired one never."""
    if record is None:
        raise SessionNotFound(f"session {session_id!r} does not exist", session_id=session_id)
    if not holds(READABLE, record.status, record.expires_at, now):
        raise SessionExpired(f"session {session_id!r} has expired", session_id=session_id)
    return record


def check_live(record: SessionRecord | None, session_id: str, now: float) -> SessionRecord:
    """Only an active, unexpired session accepts writes."""
    record = check_readable(record, session_id, now)
    if not holds(LIVE, record.status, record.expires_at, now):
        raise SessionEnded(f"session {session_id!r} has ended", session_id=session_id)
    return record


def state_record(session_id: str, status: str, expires_at: float) -> SessionRecord:
    """Just enough of a record (status, expiry) for the checks, from a store's refusal."""
    return SessionRecord(session_id, "", 0.0, 0.0, expires_at, 0.0, status)
