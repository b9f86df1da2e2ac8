"""Transports: how a client reaches an engine. Local (in process) now; HTTP next to it later.

A transport knows nothing about operations beyond their names (``operations.OPERATIONS``); it
returns the public model objects, so every client method reads the same whichever is in use.
"""

from __future__ import annotations

import asyncio
import functools
import time
from typing import Any, Protocol

from ..engine import Engine
from ..engine.dispatch import bind_operations
from ..errors import InvalidInput
from .operations import OPERATIONS


class Transport(Protocol):
    def call(self, operation: str, /, **params: Any) -> Any: ...
    def pause(self, seconds: float) -> None: ...
    def close(self) -> None: ...


class AsyncTransport(Protocol):
    async def call(self, operation: str, /, **params: Any) -> Any: ...
    async def pause(self, seconds: float) -> None: ...
    async def close(self) -> None: ...


def _bound(operations: dict[str, Any], operation: str) -> Any:
    if operation not in OPERATIONS or operation not in operations:
        raise InvalidInput(f"unknown operation {operation!r}", operation=operation)
    return operations[operation]


class LocalTransport:
    """Calls the engine directly. Blocking, never touches an event loop: safe in Jupyter."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._operations = bind_operations(engine)

    def call(self, operation: str, /, **params: Any) -> Any:
        return _bound(self._operations, operation)(**params)

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
        method = _bound(self._operations, operation)
        return await asyncio.to_thread(functools.partial(method, **params))

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        await asyncio.to_thread(self.engine.close)
