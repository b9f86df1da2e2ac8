"""``SessionChatStore``: LlamaIndex's ``BaseChatStore`` on session messages.

Drop-in for ``ChatMemoryBuffer.from_defaults(chat_store=..., chat_store_key=session_id)`` and
anything else that takes a ``BaseChatStore``. Keys are session ids (other keys: see ``_ops``).
Every async method is native: it awaits the ``AsyncMemoryClient`` or runs the ``MemoryClient`` in
a worker thread, never blocking the loop (LlamaIndex's defaults run sync code on the loop).
Messages are the session's *active* messages, oldest first; ``delete_message`` takes a position.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.storage.chat_store.base import BaseChatStore

from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...models import Message
from .._bridge import ClientBridge
from ._ops import SessionOps, UnknownKeyPolicy, aconvert


class SessionChatStore(BaseChatStore):
    """Chat histories kept as the messages of agent-session-memory sessions."""

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
        return "SessionChatStore"

    # -- sync -----------------------------------------------------------------------------------
    def set_messages(self, key: str, messages: list[ChatMessage]) -> None:
        self._bridge.run(self._ops.replace(key, messages))

    def get_messages(self, key: str) -> list[ChatMessage]:
        return self._bridge.run(self._ops.get_messages(key))

    def add_message(self, key: str, message: ChatMessage) -> None:
        self._bridge.run(self._ops.add(key, [message]))

    def add_messages(self, key: str, messages: list[ChatMessage]) -> None:
        """Several messages in one atomic append (not in ``BaseChatStore``; cheaper)."""
        self._bridge.run(self._ops.add(key, messages))

    def delete_messages(self, key: str) -> list[ChatMessage] | None:
        return self._bridge.run(self._ops.delete_all(key, None))

    def delete_message(self, key: str, idx: int) -> ChatMessage | None:
        deleted = self._bridge.run(self._ops.delete_where(key, _at(idx), "active"))
        return deleted[0] if deleted else None

    def delete_last_message(self, key: str) -> ChatMessage | None:
        return self._bridge.run(self._ops.delete_last(key))

    def get_keys(self) -> list[str]:
        return self._bridge.run(self._ops.keys())

    # -- async ----------------------------------------------------------------------------------
    async def aset_messages(self, key: str, messages: list[ChatMessage]) -> None:
        await self._bridge.arun(self._ops.replace(key, messages))

    async def aget_messages(self, key: str) -> list[ChatMessage]:
        return await aconvert(await self._bridge.arun(self._ops.messages(key)))

    async def async_add_message(self, key: str, message: ChatMessage) -> None:
        await self._bridge.arun(self._ops.add(key, [message]))

    async def aadd_messages(self, key: str, messages: list[ChatMessage]) -> None:
        await self._bridge.arun(self._ops.add(key, messages))

    async def adelete_messages(self, key: str) -> list[ChatMessage] | None:
        return await self._bridge.arun(self._ops.delete_all(key, None))

    async def adelete_message(self, key: str, idx: int) -> ChatMessage | None:
        deleted = await self._bridge.arun(self._ops.delete_where(key, _at(idx), "active"))
        return deleted[0] if deleted else None

    async def adelete_last_message(self, key: str) -> ChatMessage | None:
        return await self._bridge.arun(self._ops.delete_last(key))

    async def aget_keys(self) -> list[str]:
        return await self._bridge.arun(self._ops.keys())


def _at(idx: int) -> Any:
    """Python list semantics: negative positions count from the end; out of range: nothing."""

    def pick(found: list[Message]) -> list[Message]:
        return [found[idx]] if -len(found) <= idx < len(found) else []

    return pick
