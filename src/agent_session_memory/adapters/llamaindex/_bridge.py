"""One logic, two faces: operations are generators of client calls, driven sync or async.

Each adapter operation is written once as a generator that *yields* ``Call`` objects and receives
their results (or has the client's error thrown into it). ``run_sync`` drives it on a
``MemoryClient``; ``run_async`` on an ``AsyncMemoryClient``, or on a ``MemoryClient`` in a worker
thread, so the event loop never blocks. This is httpx's auth-flow trick: no hand-mirrored twins.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import AgentMemoryError, ConfigurationError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Call:
    """A client method by name, with its arguments: the only thing operations may do."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def call(method: str, *args: Any, **kwargs: Any) -> Call:
    return Call(method, args, kwargs)


Op = Generator[Call, Any, T]


class ClientBridge:
    """Holds a ``MemoryClient`` and/or an ``AsyncMemoryClient`` and runs operations on them."""

    def __init__(
        self, client: MemoryClient | None = None, async_client: AsyncMemoryClient | None = None
    ) -> None:
        if client is None and async_client is None:
            raise ConfigurationError(
                "pass client= (MemoryClient) and/or async_client= (AsyncMemoryClient)"
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
        return source.workspace_id if source is not None else None

    def run(self, op: Op[T]) -> T:
        """Drive ``op`` synchronously (never nests an event loop)."""
        if self.client is not None:
            client = self.client
            return _drive(op, lambda c: getattr(client, c.method)(*c.args, **c.kwargs))
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.arun(op))
        raise ConfigurationError(
            "a synchronous method was called inside a running event loop with only an "
            "AsyncMemoryClient: call the async method (aget, aput, ...) or pass client=MemoryClient"
        )

    async def arun(self, op: Op[T]) -> T:
        """Drive ``op`` without blocking the event loop."""
        value: Any = None
        throw = False
        while True:
            try:
                step = op.throw(value) if throw else op.send(value)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            try:
                value, throw = await self._acall(step), False
            except AgentMemoryError as exc:
                value, throw = exc, True

    async def _acall(self, step: Call) -> Any:
        if self.async_client is not None:
            return await getattr(self.async_client, step.method)(*step.args, **step.kwargs)
        method = getattr(self.client, step.method)
        return await asyncio.to_thread(functools.partial(method, *step.args, **step.kwargs))


def _drive(op: Op[T], perform: Any) -> T:
    value: Any = None
    throw = False
    while True:
        try:
            step = op.throw(value) if throw else op.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        try:
            value, throw = perform(step), False
        except AgentMemoryError as exc:
            value, throw = exc, True
