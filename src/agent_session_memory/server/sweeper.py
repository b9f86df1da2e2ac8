"""The server's background auto-commit: expired sessions are committed without a caller.

Every process runs the loop; the sweep itself takes a lease per session in the shared store, so
however many processes serve one home, each expired session is committed once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool

from ..engine import Engine

log = logging.getLogger("agent_session_memory.server")


@contextlib.asynccontextmanager
async def sweep_forever(engine: Engine, interval: float) -> AsyncIterator[None]:
    """Sweep every ``interval`` seconds while the server runs (0: never)."""
    task = asyncio.create_task(_loop(engine, interval)) if interval > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _loop(engine: Engine, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            results = await run_in_threadpool(engine.lifecycle.sweep_home)
        except Exception:  # a bad sweep must not stop the next one
            log.exception("background sweep failed")
            continue
        if results:
            log.info("background sweep committed %d expired sessions", len(results))
