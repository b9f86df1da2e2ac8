"""One logic, two faces: each adapter operation is written once and driven sync or async.

An operation is a generator (a ``Flow``) that yields ``Call`` objects (a client method by name,
with arguments) and receives their results, or has the client's ``AgentMemoryError`` thrown into
it. ``ClientBridge.run`` drives it on a ``MemoryClient``; ``arun`` on an ``AsyncMemoryClient``, or
on a ``MemoryClient`` in a worker thread, so the event loop never blocks and nothing nests loops
(httpx's auth-flow trick). Both framework adapters use it; it imports no framework.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..client.async_client import AsyncMemoryClient
from ..client.sync_client import MemoryClient
from ..errors import AgentMemoryError, ConfigurationError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Call:
    """A client method by name and its arguments: the only side effect an operation has."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def call(method: str, *args: Any, **kwargs: Any) -> Call:
    return Call(method, args, kwargs)


Flow = Generator[Call, Any, T]


def single(method: str, *args: Any, **kwargs: Any) -> Flow[Any]:
    """The flow of one client call (many adapter methods are exactly that)."""
    return (yield Call(method, args, kwargs))


class ClientBridge:
    """A ``MemoryClient`` and/or an ``AsyncMemoryClient``; every adapter object holds one."""

    __slots__ = ("async_client", "client")

    def __init__(
        self, client: MemoryClient | None = None, async_client: AsyncMemoryClient | None = None
    ) -> None:
        if client is None and async_client is None:
            raise ConfigurationError(
                "pass client= (a MemoryClient) and/or async_client= (an AsyncMemoryClient)"
            )
        if client is not None and not isinstance(client, MemoryClient):
            raise ConfigurationError(
                f"client= must be a MemoryClient, not {type(client).__name__} "
                "(an AsyncMemoryClient goes in async_client=)"
            )
        if async_client is not None and not isinstance(async_client, AsyncMemoryClient):
            raise ConfigurationError(
                f"async_client= must be an AsyncMemoryClient, not {type(async_client).__name__}"
            )
        self.client = client
        self.async_client = async_client

    @property
    def workspace_id(self) -> str | None:
        source = self.client if self.client is not None else self.async_client
        return None if source is None else source.workspace_id

    def run(self, flow: Flow[T]) -> T:
        """Drive ``flow`` synchronously. With only an async client, this works outside an event
        loop (``asyncio.run``) and refuses inside one rather than nesting loops."""
        client = self.client
        if client is not None:
            return _drive(
                flow, lambda step: getattr(client, step.method)(*step.args, **step.kwargs)
            )
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.arun(flow))
        flow.close()
        raise ConfigurationError(
            "a synchronous method was called inside a running event loop with only an "
            "AsyncMemoryClient: call the async method (the a-prefixed twin), or pass "
            "client=MemoryClient"
        )

    async def arun(self, flow: Flow[T]) -> T:
        """Drive ``flow`` without blocking the event loop."""
        value: Any = None
        throw = False
        while True:
            try:
                step = flow.throw(value) if throw else flow.send(value)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            try:
                value, throw = await self._acall(step), False
            except AgentMemoryError as exc:
                value, throw = exc, True

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.run(single(method, *args, **kwargs))

    async def acall(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return await self.arun(single(method, *args, **kwargs))

    async def _acall(self, step: Call) -> Any:
        if self.async_client is not None:
            return await getattr(self.async_client, step.method)(*step.args, **step.kwargs)
        method = getattr(self.client, step.method)
        return await asyncio.to_thread(functools.partial(method, *step.args, **step.kwargs))


def _drive(flow: Flow[T], perform: Callable[[Call], Any]) -> T:
    value: Any = None
    throw = False
    while True:
        try:
            step = flow.throw(value) if throw else flow.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        try:
            value, throw = perform(step), False
        except AgentMemoryError as exc:
            value, throw = exc, True
