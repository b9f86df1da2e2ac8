"""One logic, two faces: each adapter operation is written once and driven sync or async.

An operation is a generator that yields ``Call`` (a client method by name, with arguments) and
receives its result, or has the client's error thrown into it. ``Clients.run`` drives it on a
``MemoryClient``; ``Clients.arun`` on an ``AsyncMemoryClient``, or on a ``MemoryClient`` in a
worker thread, so the event loop never blocks and nothing nests loops (httpx's auth-flow trick).
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import ConfigurationError

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
    """The flow of one client call (most adapter methods are exactly that)."""
    return (yield Call(method, args, kwargs))


class Clients:
    """A ``MemoryClient`` and/or an ``AsyncMemoryClient``; every adapter holds one of these."""

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
        """Drive ``flow`` on the sync client (blocking: never call this in an event loop)."""
        client = self.client
        if client is None:
            flow.close()
            raise ConfigurationError(
                "this call is synchronous but only an AsyncMemoryClient was given: pass "
                "client=MemoryClient(...) too, or use the a-prefixed async method"
            )
        try:
            step = next(flow)
            while True:
                try:
                    result = getattr(client, step.method)(*step.args, **step.kwargs)
                except Exception as exc:  # the operation decides; unhandled ones propagate
                    step = flow.throw(exc)
                else:
                    step = flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    async def arun(self, flow: Flow[T]) -> T:
        """Drive ``flow`` on the async client, else run it on the sync one in a worker thread."""
        aclient = self.async_client
        if aclient is None:
            return await asyncio.to_thread(self.run, flow)
        try:
            step = next(flow)
            while True:
                try:
                    result = await getattr(aclient, step.method)(*step.args, **step.kwargs)
                except Exception as exc:
                    step = flow.throw(exc)
                else:
                    step = flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.run(single(method, *args, **kwargs))

    async def acall(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return await self.arun(single(method, *args, **kwargs))
