"""``SessionMemory``: a ``BaseMemory`` for chat engines and agents, on one session.

``get``/``aget`` accept whatever engines pass (``input=``, ``initial_token_count=``, ...) and read
the newest messages within ``token_limit - initial_token_count`` tokens through
``client.get_messages(max_tokens=...)``: O(window) however long the session (LlamaIndex's
``ChatMemoryBuffer.get`` re-counts the whole tail per dropped message: quadratic). The window
never drops the session's system message, never splits a tool call from its results, and always
keeps the newest user message. Token counts are the ones stored with each message (tiktoken,
``o200k_base`` by default); ``tokenizer_fn`` is the same tokenizer, for the engine's own prefix.
"""

from __future__ import annotations

import uuid
from typing import Any

from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.memory.types import BaseMemory

from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import InvalidInput
from .._bridge import ClientBridge
from ._ops import SessionOps, UnknownKeyPolicy, aconvert
from ._tokens import Tokenizer, tiktoken_tokenizer

DEFAULT_TOKEN_LIMIT = 3000  # ChatMemoryBuffer's default


class SessionMemory(BaseMemory):
    """Chat history of one session, read in token windows."""

    session_id: str = Field(description="A session id, or a name (see SessionChatStore keys).")
    token_limit: int = Field(default=DEFAULT_TOKEN_LIMIT, gt=0)
    workspace_id: str | None = None
    ttl_seconds: float | None = None
    on_unknown_key: UnknownKeyPolicy = "create"
    tokenizer_fn: Tokenizer = Field(default_factory=tiktoken_tokenizer, exclude=True)

    _bridge: ClientBridge = PrivateAttr()
    _ops: SessionOps = PrivateAttr()

    def __init__(
        self,
        client: MemoryClient | None = None,
        *,
        async_client: AsyncMemoryClient | None = None,
        **data: Any,
    ) -> None:
        super().__init__(**data)
        self._bridge = ClientBridge(client, async_client)
        self._ops = SessionOps(
            workspace_id=self.workspace_id,
            ttl_seconds=self.ttl_seconds,
            on_unknown_key=self.on_unknown_key,
        )

    @classmethod
    def class_name(cls) -> str:
        return "SessionMemory"

    @classmethod
    def from_defaults(
        cls,
        client: MemoryClient | None = None,
        *,
        async_client: AsyncMemoryClient | None = None,
        session_id: str | None = None,
        token_limit: int = DEFAULT_TOKEN_LIMIT,
        chat_history: list[ChatMessage] | None = None,
        tokenizer_fn: Tokenizer | None = None,
        **kwargs: Any,
    ) -> SessionMemory:
        """``session_id`` defaults to a fresh name: its session is created on the first put."""
        memory = cls(
            client,
            async_client=async_client,
            session_id=session_id or f"llamaindex-{uuid.uuid4().hex}",
            token_limit=token_limit,
            tokenizer_fn=tokenizer_fn or tiktoken_tokenizer(),
            **kwargs,
        )
        if chat_history is not None:
            memory.set(chat_history)
        return memory

    # -- reads ----------------------------------------------------------------------------------
    def get(self, input: str | None = None, **kwargs: Any) -> list[ChatMessage]:
        return self._bridge.run(self._ops.window(self.session_id, self._budget(kwargs)))

    async def aget(self, input: str | None = None, **kwargs: Any) -> list[ChatMessage]:
        return await self._bridge.arun(self._ops.window(self.session_id, self._budget(kwargs)))

    def get_all(self) -> list[ChatMessage]:
        return self._bridge.run(self._ops.get_messages(self.session_id))

    async def aget_all(self) -> list[ChatMessage]:
        return await aconvert(await self._bridge.arun(self._ops.messages(self.session_id)))

    # -- writes ---------------------------------------------------------------------------------
    def put(self, message: ChatMessage) -> None:
        self._bridge.run(self._ops.add(self.session_id, [message]))

    async def aput(self, message: ChatMessage) -> None:
        await self._bridge.arun(self._ops.add(self.session_id, [message]))

    def put_messages(self, messages: list[ChatMessage]) -> None:
        """One atomic append, so a tool call and its results land together."""
        self._bridge.run(self._ops.add(self.session_id, messages))

    async def aput_messages(self, messages: list[ChatMessage]) -> None:
        await self._bridge.arun(self._ops.add(self.session_id, messages))

    def set(self, messages: list[ChatMessage]) -> None:
        self._bridge.run(self._ops.replace(self.session_id, messages))

    async def aset(self, messages: list[ChatMessage]) -> None:
        await self._bridge.arun(self._ops.replace(self.session_id, messages))

    def reset(self) -> None:
        self._bridge.run(self._ops.delete_all(self.session_id))

    async def areset(self) -> None:
        await self._bridge.arun(self._ops.delete_all(self.session_id))

    # -- helpers --------------------------------------------------------------------------------
    def _budget(self, kwargs: dict[str, Any]) -> int:
        """``token_limit`` minus what the engine already spends (``initial_token_count``)."""
        initial = kwargs.get("initial_token_count") or 0
        if not isinstance(initial, int) or isinstance(initial, bool) or initial < 0:
            raise InvalidInput(
                "initial_token_count must be a non-negative integer", field="initial_token_count"
            )
        if initial > self.token_limit:
            # Same contract as ChatMemoryBuffer.get: the engine's prefix alone is over the limit.
            raise InvalidInput(
                f"initial token count {initial} exceeds the token limit {self.token_limit}",
                field="initial_token_count",
            )
        return max(self.token_limit - initial, 1)
