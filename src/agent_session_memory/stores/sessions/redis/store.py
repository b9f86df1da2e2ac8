"""``redis://host:port/db``: the shared session store for servers behind a load balancer.

Each concern is its own module (records, context, messages, events, leases) over one
:class:`~.connection.RedisConnection`; the key layout is in :mod:`.keys`, what every session
script shares (the liveness check, expiry) in :mod:`.lua`. Every change is one Lua script, so it
is atomic and checks liveness against the ``now`` the engine passed. Scripts touch keys of
several slots (session, workspace index, event log), so this store needs a single Redis (or a
proxy that keeps a workspace on one node), not Redis Cluster.
"""

from __future__ import annotations

from typing import Any

from ..base import ContextStore, EventLog, Leases, MessageLog, SessionRecords
from . import context, events, leases, messages, sessions
from .context import RedisContext
from .events import RedisEvents
from .leases import RedisLeases
from .messages import RedisMessages
from .sessions import RedisSessions

SCRIPTS = {
    **sessions.SCRIPTS,
    **context.SCRIPTS,
    **messages.SCRIPTS,
    **events.SCRIPTS,
    **leases.SCRIPTS,
}


# Each concern implements its protocol on its own (mypy checks these assignments).
CONCERNS: tuple[
    type[SessionRecords], type[ContextStore], type[MessageLog], type[EventLog], type[Leases]
] = (RedisSessions, RedisContext, RedisMessages, RedisEvents, RedisLeases)


class RedisSessionStore(RedisSessions, RedisContext, RedisMessages, RedisEvents, RedisLeases):
    """Sessions, working memory, messages, events and leases in one Redis database."""

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        retention_seconds: float = 7 * 24 * 3600,
        prefix: str = "asm",
        client: Any = None,
    ) -> None:
        super().__init__(
            url, retention_seconds=retention_seconds, prefix=prefix, client=client, scripts=SCRIPTS
        )
