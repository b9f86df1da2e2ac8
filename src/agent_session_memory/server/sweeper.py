"""The server's background auto-commit: expired sessions are committed without a caller.

Every process runs the loop, but a lease in the shared session store lets one process per interval
sweep (``server-sweep``, held for most of the interval and never released), and the sweep itself
takes a lease per session: however many processes serve one home, the home is swept once per
interval and each expired session is committed once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool

from ..engine import Engine
from ..stores.sessions.holders import lease_owner

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


LEASE = "server-sweep"


def _take_turn(engine: Engine, owner: str, interval: float) -> bool:
    """This interval's turn, if no other process took it (held 90% of the interval)."""
    return engine.store.acquire_lease(LEASE, owner, engine.clock.now(), interval * 0.9)


async def _loop(engine: Engine, interval: float) -> None:
    owner = lease_owner()
    while True:
        await asyncio.sleep(interval)
        try:
            if not await run_in_threadpool(_take_turn, engine, owner, interval):
                continue
            results = await run_in_threadpool(engine.lifecycle.sweep_home)
        except Exception:  # a bad sweep must not stop the next one
            log.exception("background sweep failed")
            continue
        if results:
            log.info("background sweep committed %d expired sessions", len(results))
