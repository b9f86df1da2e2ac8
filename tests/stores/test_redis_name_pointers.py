"""Redis named-session pointers live as long as their session, never longer."""

from __future__ import annotations

from collections.abc import Callable

import redis

from agent_session_memory.stores.sessions.base import SessionStore
from agent_session_memory.stores.sessions.redis import RedisSessionStore

from .conftest import REDIS_URL, T0, make_event, make_session


def _open(store: SessionStore, name: str, ttl: float = 60.0) -> str:
    record = make_session(now=T0, ttl=ttl, name=name)
    opened, _ = store.open_named_session(record, make_event(session_id=record.id), T0)
    return opened.id


def _raw() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL, decode_responses=True)


def test_a_pointer_expires_with_its_session_and_follows_touches(
    store_factory: Callable[[str], SessionStore],
) -> None:
    store = store_factory("redis")
    assert isinstance(store, RedisSessionStore)
    raw = _raw()
    session_id = _open(store, "thread-1")
    pointer = f"{store._keys.name('ws', 'thread-1')}"
    record_key = store._keys.record(session_id)
    assert raw.get(pointer) == session_id
    assert raw.pexpiretime(pointer) > 0  # it expires ...
    assert raw.pexpiretime(pointer) == raw.pexpiretime(record_key)  # ... with its session
    store.touch_session(session_id, T0 + 30, 3600.0)
    assert raw.pexpiretime(pointer) == raw.pexpiretime(record_key)  # a touch moves both
    assert raw.pexpiretime(record_key) >= (T0 + 3600) * 1000
    raw.close()


def test_a_deleted_session_takes_its_pointer_and_a_dangling_one_is_removed(
    store_factory: Callable[[str], SessionStore],
) -> None:
    store = store_factory("redis")
    assert isinstance(store, RedisSessionStore)
    raw = _raw()
    first = _open(store, "gone")
    pointer = store._keys.name("ws", "gone")
    assert store.delete_session(first, None)
    assert raw.exists(pointer) == 0
    raw.set(pointer, "no-such-session")  # as an older version left it, never expiring
    assert store.find_named_session("ws", "gone") is None
    assert raw.exists(pointer) == 0
    second = _open(store, "gone")
    raw.set(store._keys.name("ws", "other"), second)  # a name not ours to drop is kept
    assert store.delete_session(second, None)
    assert raw.get(store._keys.name("ws", "other")) == second
    raw.close()
