"""Chat-store operations on session messages, written once (see ``_bridge``).

Keys. A key that is the id of an existing session (of the store's workspace, when it has one)
*is* that session: its state is the session's state (an expired session raises
``SessionExpired``, an ended one refuses writes with ``SessionEnded``). Any other key is a
*name*: the live session named ``"llamaindex:" + key`` in the workspace (the core's
``open_session`` / ``find_session``; its metadata also carries ``{"llamaindex_key": key}``).
Reads of a name with no live session find nothing; the first write creates one
(``on_unknown_key="create"``, with the configured TTL and workspace) or raises
``SessionNotFound`` (``"error"``). Creating is atomic in the store, so concurrent first writes,
in one process or many, share one session. Nothing is cached: once the named session has ended
or expired, reads find nothing and the next write starts a new session, so reads and writes
always agree.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from llama_index.core.base.llms.types import ChatMessage

from ...errors import InvalidInput, SessionEnded, SessionExpired, SessionNotFound
from ...gc_pause import gc_paused
from ...models import Message
from .._bridge import Flow, call
from ._messages import from_message, to_record

KEY_METADATA = "llamaindex_key"
NAME_PREFIX = "llamaindex:"
ACTIVE = "active"
MAX_PER_CALL = 1000  # the default Limits.max_messages_per_call
_LIST_LIMIT = 10_000
_INLINE = 100  # messages converted on the event loop itself (a few milliseconds at most)
_GONE = (SessionExpired, SessionEnded, SessionNotFound)

UnknownKeyPolicy = Literal["create", "error"]
T = TypeVar("T")


class SessionOps:
    """Resolves keys to sessions and runs each chat-store operation as a generator of calls."""

    def __init__(
        self,
        *,
        workspace_id: str | None,
        ttl_seconds: float | None,
        on_unknown_key: UnknownKeyPolicy,
    ) -> None:
        if on_unknown_key not in ("create", "error"):
            raise InvalidInput("on_unknown_key must be 'create' or 'error'", field="on_unknown_key")
        self.workspace_id = workspace_id
        self.ttl_seconds = ttl_seconds
        self.on_unknown_key = on_unknown_key

    # -- keys -----------------------------------------------------------------------------------
    def resolve(self, key: str, *, create: bool) -> Flow[str | None]:
        """The session id for ``key`` (None: no live session and ``create`` is false)."""
        if not isinstance(key, str) or not key:
            raise InvalidInput("a chat store key must be a non-empty string", field="key")
        if _could_be_id(key):
            try:
                session = yield call("get_session", key)
                if self.workspace_id is None or session.workspace_id == self.workspace_id:
                    return key
            except SessionNotFound:
                pass
        name = session_name(key)
        found = yield call("find_session", name, self.workspace_id)
        if found is not None or not create:
            return None if found is None else str(found.id)
        if self.on_unknown_key == "error":
            raise SessionNotFound(f"no session for chat store key {key!r}", key=key)
        session = yield call(
            "open_session",
            name,
            self.workspace_id,
            ttl_seconds=self.ttl_seconds,
            metadata={KEY_METADATA: key},
        )
        return str(session.id)

    def write(self, key: str, action: Callable[[str], Flow[Any]]) -> Flow[Any]:
        """Run ``action(session_id)``; a named key whose session ended or expired meanwhile
        gets a new session (once)."""
        session_id = yield from self.resolve(key, create=True)
        assert session_id is not None
        try:
            return (yield from action(session_id))
        except _GONE:
            if session_id == key:
                raise  # an explicit session id: its state is the caller's to see
        session_id = yield from self.resolve(key, create=True)
        assert session_id is not None
        return (yield from action(session_id))

    def read(self, key: str, action: Callable[[str], Flow[T]], empty: T) -> Flow[T]:
        """Run ``action(session_id)``, or give ``empty`` when the key has no live session."""
        session_id = yield from self.resolve(key, create=False)
        if session_id is None:
            return empty
        try:
            return (yield from action(session_id))
        except _GONE:
            if session_id == key:
                raise
        return empty

    # -- reads ----------------------------------------------------------------------------------
    def messages(self, key: str, status: str | None = ACTIVE) -> Flow[list[Message]]:
        def action(session_id: str) -> Flow[list[Message]]:
            found: list[Message] = yield call("get_messages", session_id, status=status)
            return found

        return (yield from self.read(key, action, _none()))

    def get_messages(self, key: str, status: str | None = ACTIVE) -> Flow[list[ChatMessage]]:
        return [from_message(m) for m in (yield from self.messages(key, status))]

    def window(self, key: str, max_tokens: int) -> Flow[list[ChatMessage]]:
        """The newest messages within ``max_tokens`` (O(window), system message kept)."""

        def action(session_id: str) -> Flow[list[Message]]:
            found: list[Message] = yield call("get_messages", session_id, max_tokens=max_tokens)
            return found

        return [from_message(m) for m in (yield from self.read(key, action, _none()))]

    def count(self, key: str, status: str | None = ACTIVE) -> Flow[int]:
        def action(session_id: str) -> Flow[int]:
            return int((yield call("count_messages", session_id, status=status)))

        return (yield from self.read(key, action, 0))

    def keys(self) -> Flow[list[str]]:
        """Keys of live sessions in the workspace that hold messages (a name if it has one)."""
        sessions = yield call(
            "list_sessions", self.workspace_id, include_expired=False, limit=_LIST_LIMIT
        )
        keys: list[str] = []
        for session in sessions:
            try:
                count = yield call("count_messages", session.id, status=None)
            except _GONE:
                continue
            if count:
                keys.append(str(session.metadata.get(KEY_METADATA) or session.id))
        return list(dict.fromkeys(keys))

    def delete_all(self, key: str, status: str | None = None) -> Flow[list[ChatMessage] | None]:
        """Delete the key's messages (of ``status``, or all); None when the key has no session."""

        def action(session_id: str) -> Flow[list[ChatMessage] | None]:
            found: list[Message] = yield call("get_messages", session_id, status=status)
            if status is None:
                yield call("clear_messages", session_id)
            elif found:
                yield call("delete_messages", session_id, [m.seq for m in found])
            return [from_message(m) for m in found]

        return (yield from self.read(key, action, None))

    def delete_where(
        self, key: str, pick: Callable[[list[Message]], list[Message]], status: str | None
    ) -> Flow[list[ChatMessage]]:
        """Delete the messages ``pick`` chooses among the key's (``status``) messages."""

        def action(session_id: str) -> Flow[list[ChatMessage]]:
            found: list[Message] = yield call("get_messages", session_id, status=status)
            chosen = pick(found)
            if chosen:
                yield call("delete_messages", session_id, [m.seq for m in chosen])
            return [from_message(m) for m in chosen]

        return (yield from self.read(key, action, _none()))

    def delete_last(self, key: str) -> Flow[ChatMessage | None]:
        def action(session_id: str) -> Flow[ChatMessage | None]:
            last: list[Message] = yield call("get_messages", session_id, last_n=1)
            if not last:
                return None
            yield call("delete_messages", session_id, [last[0].seq])
            return from_message(last[0])

        return (yield from self.read(key, action, None))

    def archive_oldest(self, key: str, n: int) -> Flow[list[ChatMessage]]:
        def action(session_id: str) -> Flow[list[ChatMessage]]:
            found: list[Message] = yield call("get_messages", session_id, status=ACTIVE)
            chosen = found[: max(n, 0)]
            if chosen:
                yield call("set_message_status", session_id, [m.seq for m in chosen], "archived")
            return [from_message(m) for m in chosen]

        return (yield from self.read(key, action, _none()))

    # -- writes ---------------------------------------------------------------------------------
    def add(self, key: str, messages: Sequence[ChatMessage], status: str = ACTIVE) -> Flow[None]:
        records = [to_record(m) for m in messages]

        def action(session_id: str) -> Flow[None]:
            yield from _append(session_id, records, status)

        yield from self.write(key, action)

    def replace(
        self, key: str, messages: Sequence[ChatMessage], status: str = ACTIVE
    ) -> Flow[None]:
        """Replace every message of the key (all statuses) with ``messages``: validated whole
        first, then swapped atomically (``replace_messages``), so a refused message leaves the
        key as it was. More than ``MAX_PER_CALL`` messages are appended after the swap."""
        records = [{**to_record(m), "status": status} for m in messages]

        def action(session_id: str) -> Flow[None]:
            yield call("replace_messages", session_id, records[:MAX_PER_CALL])
            yield from _append(session_id, records[MAX_PER_CALL:], status)

        yield from self.write(key, action)


def _append(session_id: str, records: list[dict[str, Any]], status: str) -> Flow[None]:
    for start in range(0, len(records), MAX_PER_CALL):
        added: list[Message] = yield call(
            "add_messages", session_id, records[start : start + MAX_PER_CALL]
        )
        if status != ACTIVE and added:
            yield call("set_message_status", session_id, [m.seq for m in added], status)


def session_name(key: str) -> str:
    """The session name of a key: the key itself, or its hash when it could not be a name
    (longer than 200 characters, a NUL, or a leading ``#``)."""
    if len(key) <= 200 and "\x00" not in key and not key.startswith("#"):
        return NAME_PREFIX + key
    return NAME_PREFIX + "#" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


async def aconvert(messages: list[Message]) -> list[ChatMessage]:
    """``from_message`` for many messages off the event loop: rebuilding 10,000 ``ChatMessage``s
    takes ~0.2 s of CPU; in a worker thread the loop gets the GIL back every few milliseconds."""
    if len(messages) <= _INLINE:
        return [from_message(m) for m in messages]
    return await asyncio.to_thread(_convert_all, messages)


def _convert_all(messages: list[Message]) -> list[ChatMessage]:
    with gc_paused():  # see ``gc_pause``: a full collection here stalls the loop too
        return [from_message(m) for m in messages]


def _none() -> list[Any]:
    """A typed empty result for ``read``."""
    return []


def _could_be_id(key: str) -> bool:
    return 0 < len(key) <= 128 and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
