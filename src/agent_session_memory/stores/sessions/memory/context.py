"""Working memory in memory: a dict of records per session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..checks import check_key_count, check_version
from ..records import ContextRecord, ContextWrite
from .state import MemoryState, Session


class MemoryContext(MemoryState):
    """:class:`~..base.ContextStore`."""

    def set_context(
        self, session_id: str, writes: Sequence[ContextWrite], now: float, max_keys: int
    ) -> dict[str, int]:
        with self._lock:
            state = self._live(session_id, now)
            versions = _plan_writes(state, writes, max_keys)
            for write in writes:
                _apply_write(state.context, write, now)
            if writes:
                state.record.changed_at = now
            return versions

    def get_context(
        self,
        session_id: str,
        keys: Sequence[str] | None,
        now: float,
        *,
        count_read: bool = True,
        include_expired: bool = False,
    ) -> dict[str, ContextRecord]:
        with self._lock:
            state = self._get(session_id) if include_expired else self._readable(session_id, now)
            context = state.context
            wanted = context.keys() if keys is None else dict.fromkeys(keys)
            result: dict[str, ContextRecord] = {}
            for key in wanted:
                item = context.get(key)
                if item is None:
                    continue
                if count_read:
                    item.reads += 1
                result[key] = replace(item)
            return result

    def delete_context(self, session_id: str, keys: Sequence[str], now: float) -> int:
        with self._lock:
            state = self._live(session_id, now)
            removed = sum(state.context.pop(k, None) is not None for k in dict.fromkeys(keys))
            if removed:
                state.record.changed_at = now
            return removed


def _plan_writes(state: Session, writes: Sequence[ContextWrite], max_keys: int) -> dict[str, int]:
    """Check a batch against the current state without changing it; return the new versions.

    Writes apply in order, so a key written twice in one batch gets two versions.
    """
    versions: dict[str, int] = {}
    added = 0
    for write in writes:
        current = versions.get(write.key)
        if current is None:
            item = state.context.get(write.key)
            current = item.version if item else None
            added += item is None
        check_version(write.key, write.expected_version, current)
        versions[write.key] = (current or 0) + 1
    if added:
        check_key_count(state.record.id, len(state.context), added, max_keys)
    return versions


def _apply_write(context: dict[str, ContextRecord], write: ContextWrite, now: float) -> None:
    item = context.get(write.key)
    if item is None:
        context[write.key] = ContextRecord(
            key=write.key,
            value_json=write.value_json,
            version=1,
            importance=write.importance,
            reads=0,
            created_at=now,
            updated_at=now,
        )
    else:
        item.value_json = write.value_json
        item.version += 1
        if write.importance is not None:
            item.importance = write.importance
        item.updated_at = now
