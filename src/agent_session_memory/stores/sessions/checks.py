"""The write checks every store shares: version preconditions and the key-count limit."""

from __future__ import annotations

from ...errors import Conflict, LimitExceeded


def check_version(key: str, expected: int | None, current: int | None) -> None:
    """``expected=None``: unconditional; 0: the key must not exist; n: it must be at version n."""
    if expected is None:
        return
    if (current or 0) != expected:
        raise Conflict(
            f"key {key!r} is at version {current or 0}, not {expected}",
            key=key,
            expected_version=expected,
            current_version=current or 0,
        )


def check_key_count(session_id: str, existing: int, adding: int, limit: int) -> None:
    if existing + adding > limit:
        raise LimitExceeded(
            f"session {session_id!r} would hold {existing + adding} keys (limit {limit})",
            limit=limit,
        )
