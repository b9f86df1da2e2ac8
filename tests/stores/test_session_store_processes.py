"""Real processes against one store: lost updates, lost creates, crashes and restarts.

Children start with the ``spawn`` method (a fresh interpreter, as a second server process would
be) and open the store themselves from its file or Redis prefix.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import time
import uuid
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.errors import Conflict
from agent_session_memory.stores.sessions.base import ContextWrite, MessageRecord, SessionStore

from .conftest import (
    drop_prefix,
    make_event,
    make_session,
    open_store,
    require_redis,
    unique_prefix,
)

pytestmark = pytest.mark.slow
SPAWN = multiprocessing.get_context("spawn")
PROCESSES, INCREMENTS = 4, 500
DAY = 24 * 3600.0


def _open(kind: str, where: str) -> SessionStore:
    """A child's own store: ``where`` is the SQLite folder or the Redis prefix."""
    return open_store(kind, Path(where), prefix=where if kind == "redis" else None)


def _increment(kind: str, where: str, session_id: str, times: int) -> None:
    """Read-modify-write with ``expected_version``, retrying on Conflict: no update may be lost."""
    store = _open(kind, where)
    done = 0
    while done < times:
        now = time.time()
        item = store.get_context(session_id, ["n"], now, count_read=False).get("n")
        value, version = (json.loads(item.value_json), item.version) if item else (0, 0)
        write = ContextWrite("n", json.dumps(value + 1), expected_version=version)
        try:
            store.set_context(session_id, [write], now, 10_000)
        except Conflict:
            continue
        done += 1
    store.close()


def _create_many(kind: str, where: str, tag: str, count: int) -> None:
    store = _open(kind, where)
    for i in range(count):
        record = make_session(f"{tag}-{i}", now=time.time(), ttl=DAY)
        store.create_session(record, make_event(session_id=record.id, at=record.created_at))
    store.close()


def _write_until_killed(where: str, session_id: str, acks: Connection) -> None:
    """Write forever; acknowledge each write only after the store returned (it is committed)."""
    store = _open("sqlite", where)
    i = 0
    while True:
        now = time.time()
        store.set_context(session_id, [ContextWrite(f"k{i}", json.dumps({"i": i}))], now, 10**6)
        store.append_messages(session_id, [MessageRecord("user", f"m{i}", 1, now)], now)
        acks.send(i)
        i += 1


def _write_and_exit(where: str, session_id: str) -> None:
    store = _open("sqlite", where)
    now = time.time()
    store.create_session(make_session(session_id, now=now, ttl=DAY), make_event(at=now))
    store.set_context(session_id, [ContextWrite("kept", '"yes"', importance=0.7)], now, 100)
    store.append_messages(session_id, [MessageRecord("user", "hello", 3, now)], now)
    store.close()


def _run(target: Callable[..., None], *args: Any, timeout: float = 120) -> None:
    """Start children, wait for all, and require that each exited cleanly."""
    processes = [SPAWN.Process(target=target, args=a) for a in args]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout)
    for p in processes:
        if p.is_alive():
            p.kill()
        assert p.exitcode == 0, f"child exited with {p.exitcode}"


@pytest.fixture(params=["sqlite", "redis"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """(kind, where, parent's store) for a store the children open by themselves."""
    kind = request.param
    if kind == "redis":
        require_redis()
        where = unique_prefix()
    else:
        where = str(tmp_path)
    store = _open(kind, where)
    yield kind, where, store
    store.close()
    if kind == "redis":
        drop_prefix(where)


def test_concurrent_increments_lose_nothing(shared: Any) -> None:
    kind, where, store = shared
    session = make_session(ttl=DAY, now=time.time())
    store.create_session(session, make_event())
    _run(_increment, *[(kind, where, session.id, INCREMENTS)] * PROCESSES)
    item = store.get_context(session.id, ["n"], time.time())["n"]
    assert json.loads(item.value_json) == PROCESSES * INCREMENTS
    assert item.version == PROCESSES * INCREMENTS


def test_concurrent_creates_lose_nothing(shared: Any) -> None:
    kind, where, store = shared
    _run(_create_many, (kind, where, "a", 200), (kind, where, "b", 200))
    ids = {r.id for r in store.list_sessions("ws")}
    assert ids == {f"{tag}-{i}" for tag in "ab" for i in range(200)}
    assert len(store.list_events("ws")) == 400


def test_sqlite_keeps_every_acknowledged_write_through_kill_9(tmp_path: Path) -> None:
    store = _open("sqlite", str(tmp_path))
    session = make_session(ttl=DAY, now=time.time())
    store.create_session(session, make_event())
    store.close()
    receive, send = SPAWN.Pipe(duplex=False)
    child = SPAWN.Process(target=_write_until_killed, args=(str(tmp_path), session.id, send))
    child.start()
    acked = [receive.recv() for _ in range(300)]  # mid-burst: the child keeps writing
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.join(30)
    while receive.poll(0.2):
        try:
            acked.append(receive.recv())
        except EOFError:
            break
    assert child.exitcode == -signal.SIGKILL
    conn = sqlite3.connect(tmp_path / "sessions.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = _open("sqlite", str(tmp_path))
    now = time.time()
    keys = store.get_context(session.id, None, now, count_read=False)
    assert all(json.loads(keys[f"k{i}"].value_json) == {"i": i} for i in acked)
    assert store.count_messages(session.id, now) >= len(acked)
    store.close()


def test_sqlite_data_survives_a_process_restart(tmp_path: Path) -> None:
    session_id = uuid.uuid4().hex
    _run(_write_and_exit, (str(tmp_path), session_id))
    store = _open("sqlite", str(tmp_path))
    now = time.time()
    kept = store.get_context(session_id, None, now)["kept"]
    assert (kept.value_json, kept.importance, kept.version) == ('"yes"', 0.7, 1)
    assert [m.content for m in store.read_messages(session_id, now)] == ["hello"]
    assert store.get_session(session_id) is not None
    store.close()
