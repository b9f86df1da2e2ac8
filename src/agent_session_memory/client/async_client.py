"""``AsyncMemoryClient``: the public asynchronous API.

Its operations are generated from the contract (``async_operations.py``); this file adds only
what is more than one operation: construction, closing, and ``update_context``'s retry loop.
The synchronous twin, ``sync_client.py``, is generated from this file by
``scripts/generate_clients.py`` (a test checks it is current), so every behaviour is written once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ..errors import Conflict, InvalidInput
from ..models import Message
from ._construct import build_async_transport
from .async_operations import AsyncOperations
from .transport import AsyncTransport

UPDATE_RETRIES = 64


class AsyncMemoryClient(AsyncOperations):
    """Sessions, working memory, chat messages and long-term memory, over one transport.

    ``AsyncMemoryClient()`` is embedded (SQLite + embedded Chroma under ``$AGENT_MEMORY_HOME``);
    ``path=`` picks the folder; ``base_url=`` talks to a server. Calls not about one session take
    ``workspace_id=`` (default: the client's ``workspace_id``).
    """

    def __init__(
        self,
        path: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        workspace_id: str | None = None,
        session_store_url: str | None = None,
        chroma_url: str | None = None,
        transport: AsyncTransport | None = None,
        **options: Any,
    ) -> None:
        self._transport = transport or build_async_transport(
            path=path,
            base_url=base_url,
            api_key=api_key,
            workspace_id=workspace_id,
            session_store_url=session_store_url,
            chroma_url=chroma_url,
            **options,
        )
        self.workspace_id = workspace_id

    async def __aenter__(self) -> AsyncMemoryClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._transport.close()

    async def update_context(
        self,
        session_id: str,
        key: str,
        update: Callable[[Any], Any],
        importance: float | None = None,
    ) -> Any:
        """Atomic read-modify-write: ``update(old_value_or_None) -> new value``.

        Runs as compare-and-set on the key's version and retries on a conflict, so concurrent
        writers in any process, embedded or remote, lose nothing. Returns the value written.
        """
        if not callable(update):
            raise InvalidInput("update must be a callable old_value -> new_value", field="update")
        for attempt in range(UPDATE_RETRIES):
            item = await self.get_context_item(session_id, key)
            value = update(None if item is None else item.value)
            try:
                await self.set_context(
                    session_id,
                    key,
                    value,
                    importance,
                    expected_version=0 if item is None else item.version,
                )
                return value
            except Conflict:
                await self._transport.pause(random.uniform(0, 0.001 * min(attempt + 1, 20)))
        raise Conflict(f"could not update {key!r}: {UPDATE_RETRIES} conflicting writers in a row")

    async def add_message(self, session_id: str, role: str, content: str, **fields: Any) -> Message:
        """Append one message (``add_messages`` with one item); returns it with its ``seq``."""
        added = await self.add_messages(session_id, [{"role": role, "content": content, **fields}])
        return added[0]
