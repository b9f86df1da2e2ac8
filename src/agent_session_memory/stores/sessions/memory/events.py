"""The workspace event log in memory: a list per workspace, sorted by (at, id)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from ..records import EventRecord
from .state import MemoryState


class MemoryEvents(MemoryState):
    """:class:`~..base.EventLog`."""

    def append_events(self, events: Sequence[EventRecord]) -> None:
        with self._lock:
            self._add_events(events)

    def list_events(
        self,
        workspace_id: str,
        *,
        since: float | None = None,
        until: float | None = None,
        types: Sequence[str] | None = None,
        session_id: str | None = None,
        limit: int | None = None,
    ) -> list[EventRecord]:
        with self._lock:
            log = self._events.get(workspace_id, [])
            start = 0 if since is None else bisect.bisect_left(log, since, key=lambda e: e.at)
            wanted = None if types is None else set(types)
            result: list[EventRecord] = []
            for event in log[start:]:
                if (until is not None and event.at >= until) or (
                    limit is not None and len(result) >= limit
                ):
                    break
                if wanted is not None and event.type not in wanted:
                    continue
                if session_id is not None and event.session_id != session_id:
                    continue
                result.append(replace(event))
            return result

    def prune_events(self, before: float) -> int:
        with self._lock:
            dropped = 0
            for workspace_id, log in list(self._events.items()):
                cut = bisect.bisect_left(log, before, key=lambda e: e.at)
                dropped += cut
                self._event_ids.difference_update(e.id for e in log[:cut])
                del log[:cut]
                if not log:
                    del self._events[workspace_id]
            return dropped
