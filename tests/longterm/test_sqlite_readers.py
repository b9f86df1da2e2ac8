"""Reads on the embedded rows never queue behind a write transaction, and see committed rows only.

Before, every read took the one connection's lock, which a write transaction holds until it
commits: a recall waited for a whole commit (and a recall's two halves waited for each other).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.sqlite_rows import SqliteRows

from .fakes import memory_row

T = TypeVar("T")
WAIT = 10.0  # seconds: far longer than any read here takes; a read that waits this long queued


@contextmanager
def open_write(store: SqliteRows, workspace_id: str, memory_id: str, text: str) -> Iterator[None]:
    """A write transaction that has put one row and stays open (uncommitted) inside the block."""
    written, release = threading.Event(), threading.Event()

    def write() -> None:
        with store.transaction() as db:
            store.put(db, memory_row(workspace_id, memory_id, text), pending=False)
            written.set()
            release.wait(WAIT)

    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(write)
        assert written.wait(WAIT)
        try:
            yield
        finally:
            release.set()
            done.result(WAIT)


def read_now(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` on another thread; fails the test if it does not return within ``WAIT``."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result(WAIT)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteRows]:
    rows = SqliteRows(tmp_path / "memories.db")
    yield rows
    rows.close()


def test_reads_go_on_while_a_write_transaction_is_open(store: SqliteRows) -> None:
    with store.transaction() as db:
        store.put(db, memory_row("ws", "old", "postgres is our database"), pending=False)
    with open_write(store, "ws", "new", "postgres replaced mysql"):
        assert set(read_now(store.get_many, "ws", ["old", "new"])) == {"old"}
        hits = read_now(store.search, "ws", "postgres", 10, MemoryFilter())
        assert [i for i, _ in hits] == ["old"]
        assert read_now(store.count, "ws") == 1
    assert set(store.get_many("ws", ["old", "new"])) == {"old", "new"}
    assert store.count("ws") == 2  # the count cached during the write is not reused


def test_a_workspace_whose_first_write_is_uncommitted_reads_as_empty(store: SqliteRows) -> None:
    with open_write(store, "fresh", "m1", "the first memory of this workspace"):
        # its lexical table exists inside the open transaction only
        assert read_now(store.search, "fresh", "memory", 10, MemoryFilter()) == []
        assert read_now(store.term_counts, "fresh", "memory") == (0, [0])
    assert [i for i, _ in store.search("fresh", "memory", 10, MemoryFilter())] == ["m1"]


def test_the_writing_thread_reads_its_own_uncommitted_rows(store: SqliteRows) -> None:
    with store.transaction() as db:
        store.put(db, memory_row("ws", "m1", "written in this transaction"), pending=False)
        assert set(store.get_many("ws", ["m1"])) == {"m1"}
        assert [i for i, _ in store.search("ws", "transaction", 10, MemoryFilter())] == ["m1"]


def test_reads_after_close_are_refused(store: SqliteRows) -> None:
    store.close()
    with pytest.raises(Exception, match="closed"):
        store.get_many("ws", ["m1"])
