"""``BaseStore[str, Any]`` on a session's working memory (``set_context`` / ``get_context``).

Values are JSON (the working-memory contract): a tuple comes back as a list, and bytes or other
non-JSON values raise ``InvalidInput``. Each ``mset`` is atomic (all pairs or none). The store
lives as long as its session; reads after the TTL raise ``SessionExpired``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.stores import BaseStore

from ... import validation
from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from .._bridge import ClientBridge, Flow, call


class SessionContextStore(BaseStore[str, Any]):
    """A session's working memory as a LangChain key-value store.

    ``importance`` is attached to every value written (``None``: the commit scorer decides).
    """

    def __init__(
        self,
        session_id: str,
        *,
        client: MemoryClient | None = None,
        async_client: AsyncMemoryClient | None = None,
        importance: float | None = None,
    ) -> None:
        self.session_id = validation.object_id(session_id, "session_id")
        self.importance = validation.importance(importance)
        self._clients = ClientBridge(client, async_client)

    # -- the flows, written once ----------------------------------------------------------------
    def _mget(self, keys: Sequence[str]) -> Flow[list[Any | None]]:
        unique = list(dict.fromkeys(keys))
        items = (yield call("get_context_items", self.session_id, unique)) if unique else {}
        return [items[k].value if k in items else None for k in keys]

    def _mset(self, pairs: Sequence[tuple[str, Any]]) -> Flow[None]:
        if pairs:
            yield call("set_contexts", self.session_id, dict(pairs), self.importance)

    def _mdelete(self, keys: Sequence[str]) -> Flow[None]:
        if keys:
            yield call("delete_context", self.session_id, list(dict.fromkeys(keys)))

    def _keys(self, prefix: str | None) -> Flow[list[str]]:
        keys: list[str] = yield call("list_context_keys", self.session_id, prefix)
        return keys

    # -- sync -----------------------------------------------------------------------------------
    def mget(self, keys: Sequence[str]) -> list[Any | None]:
        return self._clients.run(self._mget(keys))

    def mset(self, key_value_pairs: Sequence[tuple[str, Any]]) -> None:
        self._clients.run(self._mset(key_value_pairs))

    def mdelete(self, keys: Sequence[str]) -> None:
        self._clients.run(self._mdelete(keys))

    def yield_keys(self, *, prefix: str | None = None) -> Iterator[str]:
        yield from self._clients.run(self._keys(prefix))

    # -- async ----------------------------------------------------------------------------------
    async def amget(self, keys: Sequence[str]) -> list[Any | None]:
        return await self._clients.arun(self._mget(keys))

    async def amset(self, key_value_pairs: Sequence[tuple[str, Any]]) -> None:
        await self._clients.arun(self._mset(key_value_pairs))

    async def amdelete(self, keys: Sequence[str]) -> None:
        await self._clients.arun(self._mdelete(keys))

    async def ayield_keys(self, *, prefix: str | None = None) -> AsyncIterator[str]:
        for key in await self._clients.arun(self._keys(prefix)):
            yield key
