"""Chat messages in memory: a list per session, sorted by seq."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from ..records import MessageRecord
from .state import MemoryState


def _seq(message: MessageRecord) -> int:
    return message.seq


class MemoryMessages(MemoryState):
    """:class:`~..base.MessageLog`."""

    def append_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        with self._lock:
            state = self._live(session_id, now)
            seqs = []
            for message in messages:
                state.last_seq += 1
                state.messages.append(replace(message, seq=state.last_seq))
                seqs.append(state.last_seq)
            if seqs:
                state.record.changed_at = now
            return seqs

    def replace_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        with self._lock:
            state = self._live(session_id, now)
            state.messages = []
            state.record.changed_at = now
            return self.append_messages(session_id, messages, now)

    def read_messages(
        self,
        session_id: str,
        now: float,
        *,
        before_seq: int | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        status: str | None = "active",
    ) -> list[MessageRecord]:
        with self._lock:
            messages = self._readable(session_id, now).messages
            end = (
                len(messages)
                if before_seq is None
                else bisect.bisect_left(messages, before_seq, key=_seq)
            )
            order = range(end - 1, -1, -1) if newest_first else range(end)
            page: list[MessageRecord] = []
            for i in order:
                if limit is not None and len(page) >= limit:
                    break
                if status is None or messages[i].status == status:
                    page.append(replace(messages[i]))
            return page

    def count_messages(self, session_id: str, now: float, status: str | None = "active") -> int:
        with self._lock:
            messages = self._readable(session_id, now).messages
            return sum(1 for m in messages if status is None or m.status == status)

    def set_message_status(
        self, session_id: str, seqs: Sequence[int], status: str, now: float
    ) -> int:
        with self._lock:
            state = self._live(session_id, now)
            wanted = set(seqs)
            changed = 0
            for message in state.messages:
                if message.seq in wanted:
                    message.status = status
                    changed += 1
            if changed:
                state.record.changed_at = now
            return changed

    def delete_messages(self, session_id: str, seqs: Sequence[int] | None, now: float) -> int:
        with self._lock:
            state = self._live(session_id, now)
            before = len(state.messages)
            if seqs is None:
                state.messages.clear()
            else:
                wanted = set(seqs)
                state.messages = [m for m in state.messages if m.seq not in wanted]
            removed = before - len(state.messages)
            if removed:
                state.record.changed_at = now
            return removed
