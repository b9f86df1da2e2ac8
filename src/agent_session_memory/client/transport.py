"""Transports: how a client reaches an engine: in process, or over HTTP (``http_transport.py``).

A transport carries an operation of the contract (``contract.OPERATIONS``) by name and returns the
public model objects, so every client method reads the same whichever is in use.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from typing import Any, Protocol

from ..contract import OPERATIONS
from ..engine import Engine
from ..errors import InvalidInput


class Transport(Protocol):
    def call(self, operation: str, /, **params: Any) -> Any: ...
    def pause(self, seconds: float) -> None: ...
    def close(self) -> None: ...


class AsyncTransport(Protocol):
    async def call(self, operation: str, /, **params: Any) -> Any: ...
    async def pause(self, seconds: float) -> None: ...
    async def close(self) -> None: ...


def bind_operations(engine: Engine) -> dict[str, Callable[..., Any]]:
    """The engine dispatch: each declared operation bound to the service that implements it."""
    return {name: getattr(getattr(engine, op.service), name) for name, op in OPERATIONS.items()}


def _unknown(operation: str) -> InvalidInput:
    return InvalidInput(f"unknown operation {operation!r}", operation=operation)


class LocalTransport:
    """Calls the engine directly. Blocking, never touches an event loop: safe in Jupyter."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._operations = bind_operations(engine)

    def call(self, operation: str, /, **params: Any) -> Any:
        method = self._operations.get(operation)
        if method is None:
            raise _unknown(operation)
        return method(**params)

    def pause(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        self.engine.close()


class AsyncLocalTransport:
    """Runs each engine call in a worker thread so the event loop never blocks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._operations = bind_operations(engine)

    async def call(self, operation: str, /, **params: Any) -> Any:
        method = self._operations.get(operation)
        if method is None:
            raise _unknown(operation)
        return await asyncio.to_thread(functools.partial(method, **params))

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        await asyncio.to_thread(self.engine.close)
