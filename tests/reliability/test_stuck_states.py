"""Issue 21's wrong results and stuck states, each as the user met it (defect 1 is in
tests/client/test_filters.py, defect 4 in the session-store conformance suite)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.errors import (
    BackendUnavailable,
    Conflict,
    InvalidInput,
    SessionExpired,
)
from agent_session_memory.models import Memory
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.sqlite_rows import SqliteRows


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


# -- defect 2: a rejected first write left the lexical index unusable --------------------------
def test_a_failed_first_write_leaves_the_workspace_usable(tmp_path: Path) -> None:
    """The failed transaction rolled back the FTS table's creation while its name stayed cached:
    ``no such table: fts_...`` until the process restarted."""
    rows = SqliteRows(tmp_path / "memories.db")
    first = Memory(id="first", workspace_id="w", content="the first memory of the workspace")
    bad = Memory(id="bad", workspace_id="w", content="second", tags=["\ud800"])
    good = Memory(id="good", workspace_id="w", content="We chose JWT for auth")
    try:
        with pytest.raises(UnicodeEncodeError), rows.transaction() as db:
            rows.put(db, first, pending=False)  # creates the workspace's table
            rows.put(db, bad, pending=False)  # and the batch fails: all of it rolls back
        with rows.transaction() as db:
            rows.put(db, good, pending=False)
        assert rows.search("w", "JWT", 5, MemoryFilter()) == [("good", pytest.approx(0, abs=9))]
    finally:
        rows.close()


def test_a_refused_first_memory_does_not_break_the_next(tmp_path: Path) -> None:
    with MemoryClient(path=str(tmp_path / "home")) as client:
        with pytest.raises(InvalidInput):
            client.remember("first", tags=["a\ud800"])
        client.remember("We chose JWT for auth", tags=["auth"])
        assert [h.memory.content for h in client.recall("JWT", k=3)] == ["We chose JWT for auth"]


# -- defect 3: a stuck holder of the Chroma lock blocked everyone forever ----------------------
HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from agent_session_memory.stores.longterm.writer_lock import WriterLock
    with WriterLock(Path(sys.argv[1])).hold():
        print("held", flush=True)
        time.sleep(120)
""")


@pytest.fixture
def stuck_holder(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    home = tmp_path / "home"
    home.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home / "chroma.lock")],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    try:
        yield home, child.pid
    finally:
        child.kill()
        child.wait()


def test_a_stuck_lock_holder_gives_a_typed_error_naming_it_in_bounded_time(
    stuck_holder: tuple[Path, int],
) -> None:
    home, pid = stuck_holder
    settings = Settings(home=home, lock_timeout_seconds=0.5)
    with MemoryClient(settings=settings) as client:
        memory = client.remember("We chose JWT for auth")  # a new memory needs no lock
        assert [m.id for m in client.list_memories()] == [memory.id]
        started = time.monotonic()
        with pytest.raises(BackendUnavailable) as info:  # changing one does
            client.update_memory(memory.id, content="We chose sessions for auth")
        assert time.monotonic() - started < 10
        assert info.value.details["reason"] == "locked"
        assert f"pid {pid}" in info.value.message and f"pid {pid}" in info.value.details["holder"]
        assert client.get_memory(memory.id).content == "We chose JWT for auth"


def test_a_memory_remembered_while_the_index_is_locked_is_indexed_once_it_is_free(
    stuck_holder: tuple[Path, int],
) -> None:
    home, pid = stuck_holder
    settings = Settings(home=home, lock_timeout_seconds=0.5)
    with MemoryClient(settings=settings) as client:
        memory = client.remember("We chose JWT for auth")
    os.kill(pid, signal.SIGKILL)  # the stuck holder goes; its lock dies with it
    with MemoryClient(settings=settings) as client:  # opening resumes the index queue
        assert [h.memory.id for h in client.recall("JWT", k=3)] == [memory.id]
    store = SqliteRows(home / "memories.db")  # closing finished the queue
    try:
        assert store.pending(memory.workspace_id) == []
    finally:
        store.close()


def test_the_lock_wait_is_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENT_MEMORY_LOCK_TIMEOUT", "2.5")
    assert Settings.from_env().lock_timeout_seconds == 2.5


# -- defect 5: ending an expired session made its working memory readable ----------------------
def test_ending_an_expired_session_keeps_its_working_memory_unreadable(tmp_path: Path) -> None:
    clock = ManualClock(1_000_000.0)
    engine = Engine(Settings(home=tmp_path, auto_commit=False), clock=clock)
    try:
        sid = engine.sessions.create_session(ttl_seconds=10, auto_commit=False).id
        engine.context.set_context(sid, "secret", "do not show after expiry")
        clock.advance(11)
        assert engine.sessions.end_session(sid).status == "expired"
        with pytest.raises(SessionExpired):
            engine.context.get_context(sid)
    finally:
        engine.close()


# -- defect 6: import was not atomic -----------------------------------------------------------
def _records(n: int, prefix: str = "m") -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{i}", "content": f"fact number {i}"} for i in range(n)]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[MemoryClient]:
    with MemoryClient(path=str(tmp_path / "home")) as c:
        yield c


def test_an_import_failing_late_writes_nothing(client: MemoryClient) -> None:
    records = _records(600)
    records[550]["created_at"] = "not a time"
    with pytest.raises(InvalidInput) as info:
        client.import_workspace(records)
    assert "records[550]" in info.value.message
    assert client.list_memories() == []


def test_repeated_ids_in_an_import_are_refused_before_writing(client: MemoryClient) -> None:
    records = [*_records(3), {"id": "m1", "content": "again"}]
    with pytest.raises(InvalidInput) as info:
        client.import_workspace(records)
    assert "records[3]" in info.value.message and "m1" in info.value.message
    assert client.list_memories() == []


def test_an_import_never_overwrites_an_existing_memory(client: MemoryClient) -> None:
    assert client.import_workspace(_records(2)) == 2
    with pytest.raises(Conflict) as info:
        client.import_workspace([*_records(2, "n"), {"id": "m1", "content": "replaced?"}])
    assert info.value.details["ids"] == ["m1"]
    assert client.get_memory("m1").content == "fact number 1"
    assert len(client.list_memories()) == 2  # and nothing of the refused import


@pytest.mark.parametrize(
    "record",
    [
        "not an object",
        {"id": "x"},
        {"id": "x", "content": 5},
        {"id": "../x", "content": "c"},
        {"id": "x", "content": "c", "tags": [""]},
        {"id": "x", "content": "c", "importance": "high"},
        {"id": "x", "content": "c", "metadata": {1: "a"}},
        {"id": "x", "content": "c", "updated_at": 12},
        {"id": "x", "content": "c", "source_sessions": "s"},
        {"id": "x", "content": "c", "colour": "red"},
        {"id": "x", "content": "c\ud800"},
    ],
)
def test_a_malformed_record_is_a_typed_error_naming_it(client: MemoryClient, record: Any) -> None:
    with pytest.raises(InvalidInput) as info:
        client.import_workspace([*_records(2), record])
    assert "records[2]" in info.value.message or info.value.details.get("field") == "records"
    assert client.list_memories() == []
