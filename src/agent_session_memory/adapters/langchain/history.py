"""``BaseChatMessageHistory`` on a session's chat messages.

Sync methods use the ``MemoryClient``; the async ones (``aget_messages``, ``aadd_messages``,
``aclear``) use the ``AsyncMemoryClient``, or the sync client in a worker thread: never blocking
the loop. Appends are atomic in the store, so several processes can share one history.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.messages import BaseMessage

from ... import validation
from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import InvalidInput
from .._bridge import ClientBridge, Flow, call
from ._messages import from_message, to_record


class SessionChatMessageHistory(BaseChatMessageHistory):
    """The chat history of one session.

    ``max_tokens``: read only the newest messages that fit this many tokens (never splitting a
    tool call from its results, always with the system message and the newest user message).
    ``last_n``: read only the newest N messages. Writes always append everything.
    """

    def __init__(
        self,
        session_id: str,
        *,
        client: MemoryClient | None = None,
        async_client: AsyncMemoryClient | None = None,
        max_tokens: int | None = None,
        last_n: int | None = None,
    ) -> None:
        validation.object_id(session_id, "session_id")
        if max_tokens is not None and last_n is not None:
            raise InvalidInput("pass max_tokens or last_n, not both", field="max_tokens")
        for what, value in (("max_tokens", max_tokens), ("last_n", last_n)):
            if value is not None:
                validation.positive_int(value, what, 10_000_000)
        self.session_id = session_id
        self.max_tokens = max_tokens
        self.last_n = last_n
        self._clients = ClientBridge(client, async_client)

    # -- the flows, written once ----------------------------------------------------------------
    def _read(self) -> Flow[list[BaseMessage]]:
        stored = yield call(
            "get_messages", self.session_id, last_n=self.last_n, max_tokens=self.max_tokens
        )
        return [from_message(m) for m in stored]

    def _append(self, messages: Sequence[BaseMessage]) -> Flow[None]:
        records = [to_record(m) for m in messages]
        if records:
            yield call("add_messages", self.session_id, records)

    # -- sync -----------------------------------------------------------------------------------
    @property
    def messages(self) -> list[BaseMessage]:  # type: ignore[override]
        """The stored messages, oldest first (within the window, if one is set)."""
        return self._clients.run(self._read())

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append atomically: all of them or none."""
        self._clients.run(self._append(messages))

    def clear(self) -> None:
        self._clients.call("clear_messages", self.session_id)

    # -- async ----------------------------------------------------------------------------------
    async def aget_messages(self) -> list[BaseMessage]:
        return await self._clients.arun(self._read())

    async def aadd_messages(self, messages: Sequence[BaseMessage]) -> None:
        await self._clients.arun(self._append(messages))

    async def aclear(self) -> None:
        await self._clients.acall("clear_messages", self.session_id)
