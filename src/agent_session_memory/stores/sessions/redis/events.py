"""The workspace event log in Redis: a sorted set by time, and the set of ids already stored."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import EventRecord
from . import codec
from .connection import RedisConnection, guard

_APPEND_EVENTS = """
-- KEYS  (event log, event ids) per event
-- ARGV  (id, score, member) per event
for i = 1, #KEYS, 2 do
  local events, ids, j = KEYS[i], KEYS[i + 1], (i - 1) / 2 * 3 + 1
  if redis.call('SADD', ids, ARGV[j]) == 1 then
    redis.call('ZADD', events, ARGV[j + 1], ARGV[j + 2])
  end
end
return 1
"""

SCRIPTS = {"events": _APPEND_EVENTS}
_PAGE = 500


class RedisEvents(RedisConnection):
    """:class:`~..base.EventLog`; events of a session's lifecycle are written by its scripts."""

    @guard
    def append_events(self, events: Sequence[EventRecord]) -> None:
        if not events:
            return
        keys = [key for e in events for key in self._keys.events(e.workspace_id)]
        args = [part for e in events for part in (e.id, codec.num(e.at), codec.event_member(e))]
        self._eval("events", keys, args)

    @guard
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
        key = self._keys.events(workspace_id)[0]
        low = "-inf" if since is None else codec.num(since)
        high = "+inf" if until is None else f"({codec.num(until)}"
        wanted = None if types is None else set(types)
        result: list[EventRecord] = []
        offset, page = 0, _PAGE
        if limit is not None and wanted is None and session_id is None:
            page = max(1, min(limit, page))  # nothing filtered out: fetch exactly the page
        while limit is None or len(result) < limit:
            members = self._redis.zrangebyscore(key, low, high, start=offset, num=page)
            for event in map(codec.event, members):
                if (wanted is None or event.type in wanted) and (
                    session_id is None or event.session_id == session_id
                ):
                    result.append(event)
            if len(members) < page:
                break
            offset += page
        return result[:limit]

    @guard
    def prune_events(self, before: float) -> int:
        """Per workspace, in pages: the old members and their ids go in one MULTI."""
        dropped = 0
        high = f"({codec.num(before)}"
        start = len(self._keys.events("")[0])  # "<prefix>:ev:"
        for key in self._redis.scan_iter(match=self._keys.events("*")[0], count=500):
            events, ids = self._keys.events(str(key)[start:])
            while True:
                members = self._redis.zrangebyscore(events, "-inf", high, start=0, num=_PAGE)
                if not members:
                    break
                pipe = self._redis.pipeline(transaction=True)
                pipe.zrem(events, *members)
                pipe.srem(ids, *[codec.event(m).id for m in members])
                pipe.execute()
                dropped += len(members)
        return dropped
