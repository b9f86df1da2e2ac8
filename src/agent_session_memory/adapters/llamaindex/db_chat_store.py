"""``SessionDBChatStore``: the ``AsyncDBChatStore`` behind LlamaIndex's ``Memory``.

``Memory.from_defaults(chat_store=SessionDBChatStore(client), session_id=...)`` keeps its
short-term FIFO queue in a session: ``active`` messages are the queue, ``archived`` ones are what
``Memory`` flushed (still in the session, counted and readable with ``status="archived"``).
Oldest-first deletes and archives follow message order (``seq``). ``delete_message(key, idx)``
takes a message's ``seq`` (its stable id, as the SQL store takes its row id).
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.storage.chat_store.base_db import AsyncDBChatStore, MessageStatus

from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...models import Message
from .._bridge import ClientBridge
from ._ops import SessionOps, UnknownKeyPolicy, aconvert


class SessionDBChatStore(AsyncDBChatStore):
    """Short-term ``Memory`` history as session messages, active and archived."""

    workspace_id: str | None = None
    ttl_seconds: float | None = None
    on_unknown_key: UnknownKeyPolicy = "create"

    _bridge: ClientBridge = PrivateAttr()
    _ops: SessionOps = PrivateAttr()

    def __init__(
        self,
        client: MemoryClient | None = None,
        *,
        async_client: AsyncMemoryClient | None = None,
        workspace_id: str | None = None,
        ttl_seconds: float | None = None,
        on_unknown_key: UnknownKeyPolicy = "create",
        **kwargs: Any,
    ) -> None:
        fields = {
            "workspace_id": workspace_id,
            "ttl_seconds": ttl_seconds,
            "on_unknown_key": on_unknown_key,
        }
        super().__init__(**fields, **kwargs)
        self._bridge = ClientBridge(client, async_client)
        self._ops = SessionOps(
            workspace_id=workspace_id, ttl_seconds=ttl_seconds, on_unknown_key=on_unknown_key
        )

    @classmethod
    def class_name(cls) -> str:
        return "SessionDBChatStore"

    async def get_messages(
        self,
        key: str,
        status: MessageStatus | None = MessageStatus.ACTIVE,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[ChatMessage]:
        found = await self._bridge.arun(self._ops.messages(key, _status(status)))
        start = offset or 0
        return await aconvert(found[start : None if limit is None else start + limit])

    async def count_messages(
        self, key: str, status: MessageStatus | None = MessageStatus.ACTIVE
    ) -> int:
        return await self._bridge.arun(self._ops.count(key, _status(status)))

    async def add_message(
        self, key: str, message: ChatMessage, status: MessageStatus = MessageStatus.ACTIVE
    ) -> None:
        await self._bridge.arun(self._ops.add(key, [message], _status(status) or "active"))

    async def add_messages(
        self,
        key: str,
        messages: list[ChatMessage],
        status: MessageStatus = MessageStatus.ACTIVE,
    ) -> None:
        await self._bridge.arun(self._ops.add(key, messages, _status(status) or "active"))

    async def set_messages(
        self,
        key: str,
        messages: list[ChatMessage],
        status: MessageStatus = MessageStatus.ACTIVE,
    ) -> None:
        await self._bridge.arun(self._ops.replace(key, messages, _status(status) or "active"))

    async def delete_message(self, key: str, idx: int) -> ChatMessage | None:
        def pick(found: list[Message]) -> list[Message]:
            return [m for m in found if m.seq == idx]

        deleted = await self._bridge.arun(self._ops.delete_where(key, pick, None))
        return deleted[0] if deleted else None

    async def delete_messages(self, key: str, status: MessageStatus | None = None) -> None:
        await self._bridge.arun(self._ops.delete_all(key, _status(status)))

    async def delete_oldest_messages(self, key: str, n: int) -> list[ChatMessage]:
        def pick(found: list[Message]) -> list[Message]:
            return found[: max(n, 0)]

        return await self._bridge.arun(self._ops.delete_where(key, pick, "active"))

    async def archive_oldest_messages(self, key: str, n: int) -> list[ChatMessage]:
        return await self._bridge.arun(self._ops.archive_oldest(key, n))

    async def get_keys(self) -> list[str]:
        return await self._bridge.arun(self._ops.keys())


def _status(status: MessageStatus | str | None) -> str | None:
    return status.value if isinstance(status, MessageStatus) else status
