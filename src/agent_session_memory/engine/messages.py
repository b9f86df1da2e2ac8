"""Chat messages on a session, with token windows that respect conversation structure."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .. import validation as check
from ..errors import InvalidInput, LimitExceeded
from ..gc_pause import gc_paused
from ..models import Message
from ..stores.sessions.base import MessageRecord
from ..tokens import MESSAGE_OVERHEAD_TOKENS
from . import _convert
from .boundary import boundary
from .shared import Shared
from .token_window import select_window, without_orphans

_ROLE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,31}")
_PAGE = 256


@boundary
class MessageService:
    def __init__(self, shared: Shared) -> None:
        self._shared = shared
        self._store = shared.store
        self._settings = shared.settings
        self._limits = shared.limits

    def add_messages(
        self, session_id: str, messages: Sequence[Message | Mapping[str, Any]]
    ) -> list[Message]:
        """Append messages atomically; each one's token count is stored with it."""
        check.object_id(session_id, "session_id")
        now = self._shared.now()
        records = self._records(messages, now)
        return _numbered(records, self._store.append_messages(session_id, records, now))

    def replace_messages(
        self, session_id: str, messages: Sequence[Message | Mapping[str, Any]]
    ) -> list[Message]:
        """Replace every message (any status) with ``messages``: all validated first, then
        swapped atomically, so a refused message leaves the history as it was."""
        check.object_id(session_id, "session_id")
        now = self._shared.now()
        records = self._records(messages, now)
        return _numbered(records, self._store.replace_messages(session_id, records, now))

    def get_messages(
        self,
        session_id: str,
        *,
        last_n: int | None = None,
        max_tokens: int | None = None,
        status: str | None = "active",
    ) -> list[Message]:
        """Oldest first. ``last_n``: the newest N. ``max_tokens``: the newest messages that fit,
        never splitting a tool call from its results, always with the system message and the
        newest user message; costs O(window), not O(history). Token windows read ``active``
        messages only, whatever ``status`` says."""
        check.object_id(session_id, "session_id")
        status = None if status is None else _status(status)
        now = self._shared.now()
        if max_tokens is not None:
            check.positive_int(max_tokens, "max_tokens", 10_000_000)
            return [_convert.message(r) for r in self._token_window(session_id, now, max_tokens)]
        if last_n is not None:
            check.positive_int(last_n, "last_n", 1_000_000)
            page = self._store.read_messages(
                session_id, now, limit=last_n, newest_first=True, status=status
            )
            return [_convert.message(r) for r in without_orphans(page[::-1])]
        with gc_paused():  # a whole history: see ``gc_pause``
            records = self._store.read_messages(session_id, now, status=status)
            return [_convert.message(r) for r in records]

    def count_messages(self, session_id: str, status: str | None = "active") -> int:
        check.object_id(session_id, "session_id")
        status = None if status is None else _status(status)
        return self._store.count_messages(session_id, self._shared.now(), status)

    def clear_messages(self, session_id: str) -> int:
        check.object_id(session_id, "session_id")
        return self._store.delete_messages(session_id, None, self._shared.now())

    def delete_messages(self, session_id: str, seqs: Sequence[int]) -> int:
        check.object_id(session_id, "session_id")
        return self._store.delete_messages(session_id, _seqs(seqs), self._shared.now())

    def set_message_status(self, session_id: str, seqs: Sequence[int], status: str) -> int:
        """Mark messages (e.g. ``archived``); reads default to ``active`` ones."""
        check.object_id(session_id, "session_id")
        return self._store.set_message_status(
            session_id, _seqs(seqs), _status(status), self._shared.now()
        )

    # -- helpers --------------------------------------------------------------------------------
    def _records(
        self, messages: Sequence[Message | Mapping[str, Any]], now: float
    ) -> list[MessageRecord]:
        if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence):
            raise InvalidInput("messages must be a list", field="messages")
        if len(messages) > self._limits.max_messages_per_call:
            raise LimitExceeded(
                f"{len(messages)} messages in one call (limit {self._limits.max_messages_per_call})"
            )
        return [self._record_for(m, now) for m in messages]

    def _record_for(self, message: Message | Mapping[str, Any], now: float) -> MessageRecord:
        fields = message.to_dict() if isinstance(message, Message) else message
        if not isinstance(fields, Mapping):
            raise InvalidInput("each message must be a mapping or a Message", field="messages")
        role, content = fields.get("role"), fields.get("content", "")
        if not isinstance(role, str) or not _ROLE.fullmatch(role):
            raise InvalidInput(f"invalid message role {role!r}", field="role")
        content = check.text(content, "content", self._limits.max_message_bytes, allow_empty=True)
        extra = {
            k: fields[k]
            for k in ("name", "tool_calls", "tool_call_id", "data")
            if fields.get(k) not in (None, [], {})
        }
        data_json = check.json_value(extra, self._limits, max_bytes=self._limits.max_message_bytes)
        tokens = MESSAGE_OVERHEAD_TOKENS + self._shared.count_tokens(content)
        if "tool_calls" in extra:
            tokens += self._shared.count_tokens(json.dumps(extra["tool_calls"]))
        return MessageRecord(
            role=role,
            content=content,
            token_count=tokens,
            created_at=now,
            data_json=data_json,
            status=_status(fields.get("status") or "active"),
        )

    def _token_window(self, session_id: str, now: float, budget: int) -> list[MessageRecord]:
        first = self._store.read_messages(session_id, now, limit=1)
        system = first[0] if first and first[0].role == "system" else None

        def pages() -> Any:
            before = None
            while True:
                page = self._store.read_messages(
                    session_id, now, before_seq=before, limit=_PAGE, newest_first=True
                )
                if not page:
                    return
                yield from page
                before = page[-1].seq

        return select_window(pages(), budget, system)


def _numbered(records: list[MessageRecord], seqs: list[int]) -> list[Message]:
    for record, seq in zip(records, seqs, strict=True):
        record.seq = seq
    return [_convert.message(r) for r in records]


def _status(value: Any) -> str:
    if not isinstance(value, str) or not _ROLE.fullmatch(value):
        raise InvalidInput(f"invalid message status {value!r}", field="status")
    return value


def _seqs(values: Sequence[int]) -> list[int]:
    if (
        isinstance(values, (str, bytes))
        or not isinstance(values, Sequence)
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values)
    ):
        raise InvalidInput("seqs must be a list of positive integers", field="seqs")
    return list(values)
