"""What the PostgreSQL store adds to the contract: a writers' lock across processes that a dead
holder releases at once, versioned migrations, and a fast typed 503 when the database is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.engine.longterm.factory import open_store
from agent_session_memory.errors import BackendUnavailable, ConfigurationError
from agent_session_memory.stores.longterm.chroma import ChromaStore
from agent_session_memory.stores.longterm.pg_lexical import lexemes
from agent_session_memory.stores.longterm.pg_lock import WRITERS_LOCK
from agent_session_memory.stores.longterm.pg_rows import PostgresRows
from agent_session_memory.stores.longterm.pg_schema import SCHEMA_VERSION
from agent_session_memory.stores.longterm.postgres_chroma import PostgresChromaStore

HOLDER = textwrap.dedent("""
    import sys, time
    from agent_session_memory.stores.longterm.pg_rows import PostgresRows
    rows = PostgresRows(sys.argv[1])
    with rows.lock.held():
        print("held", flush=True)
        time.sleep(600)
""")


def acquired_within(rows: PostgresRows, seconds: float) -> bool:
    """Whether this process gets the writers' lock within ``seconds`` (from another thread)."""
    got = threading.Event()

    def take() -> None:
        with rows.lock.held():
            got.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    return got.wait(seconds)


def test_the_lock_excludes_other_processes_and_a_killed_holder_frees_it_at_once(
    postgres_url: str,
) -> None:
    rows = PostgresRows(postgres_url)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, postgres_url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not acquired_within(rows, 0.5)  # another process holds it
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        started = time.monotonic()
        assert acquired_within(rows, 5)
        assert time.monotonic() - started < 2  # no lease to wait out
    finally:
        if holder.poll() is None:
            holder.kill()
        rows.close()


def test_migrations_are_versioned_and_applied_once(postgres_admin: str) -> None:
    from ..postgres_server import fresh_database

    with fresh_database(postgres_admin) as url:
        PostgresRows(url).close()
        PostgresRows(url).close()  # a second open finds the schema current
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT version FROM asm_schema").fetchall() == [(SCHEMA_VERSION,)]
            conn.execute("UPDATE asm_schema SET version = version + 1")
        with pytest.raises(RuntimeError, match="newer than this code"):
            PostgresRows(url)


def test_an_unreachable_database_is_a_fast_typed_503_without_the_password() -> None:
    started = time.monotonic()
    with pytest.raises(BackendUnavailable) as caught:
        PostgresRows("postgresql://asm:s3cret@127.0.0.1:1/memories", timeout=1)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert "PostgreSQL at 127.0.0.1:1/memories" in message and "s3cret" not in message


def test_query_terms_become_the_index_lexemes(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        PostgresRows(postgres_url).close()  # the text search configuration exists
        assert lexemes(conn, "w", "the postgres REPLICATIONS?") == ["postgr", "replic"]
        assert lexemes(conn, "w", "the") == ["the"]  # only stopwords: kept, as FTS5 does
        assert lexemes(conn, "w", "?! ...") == []


def test_a_postgresql_lexical_url_selects_server_mode(
    tmp_path: Path, postgres_url: str, chroma_server: str
) -> None:
    store = open_store(Settings(home=tmp_path, lexical_url=postgres_url, chroma_url=chroma_server))
    try:
        assert isinstance(store, PostgresChromaStore)
        assert isinstance(store.chroma, ChromaStore) and store.chroma.url == chroma_server
    finally:
        store.close()
    with pytest.raises(ConfigurationError, match="postgresql://"):
        open_store(Settings(home=tmp_path, lexical_url="mysql://db/memories"))


@contextmanager
def held_by_another_session(url: str) -> Iterator[int]:
    """The writers' lock held by a plain second connection (a stuck holder); its backend pid."""
    with psycopg.connect(url, autocommit=True, application_name="stuck holder") as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (WRITERS_LOCK,))
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert row is not None
        yield int(row[0])


def test_the_lock_wait_is_bounded_and_the_error_names_the_holder(postgres_url: str) -> None:
    rows = PostgresRows(postgres_url, lock_timeout=1)
    outcome: list[BaseException | None] = []

    def take() -> None:
        try:
            with rows.lock.held():
                outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    try:
        with held_by_another_session(postgres_url) as holder_pid:
            thread = threading.Thread(target=take, daemon=True)
            thread.start()
            thread.join(20)  # a bound for the test itself, far above the 1 s lock timeout
            assert outcome, "the lock wait did not end"
            [error] = outcome
            assert isinstance(error, BackendUnavailable)
            assert error.details["reason"] == "locked"
            assert "stuck holder" in error.details["holder"]
            assert f"backend {holder_pid}" in str(error)
        with rows.lock.held():  # the holder gone, the lock is free again
            pass
    finally:
        rows.close()


def test_a_write_behind_a_stuck_holder_fails_with_lock_timeout_and_changes_nothing(
    tmp_path: Path, postgres_url: str, chroma_server: str
) -> None:
    settings = Settings(
        home=tmp_path,
        session_store_url="memory://",
        lexical_url=postgres_url,
        chroma_url=chroma_server,
        lock_timeout_seconds=1,
        workspace_id=f"ws{uuid.uuid4().hex[:8]}",
    )
    engine = Engine(settings)
    try:
        with held_by_another_session(postgres_url):
            # A new memory needs no lock; changing one does.
            memory = engine.memories.remember("Written while a stuck process holds the lock")
            with pytest.raises(BackendUnavailable) as caught:
                engine.memories.update_memory(memory.id, content="Changed behind the holder")
        assert "stuck holder" in caught.value.details["holder"]
        assert [m.content for m in engine.memories.list_memories()] == [memory.content]
        engine.memories.update_memory(memory.id, content="Changed once the holder is gone")
        assert [m.content for m in engine.memories.list_memories()] == [
            "Changed once the holder is gone"
        ]
    finally:
        engine.close()


def test_a_thread_of_this_process_holding_the_lock_bounds_the_wait_too(postgres_url: str) -> None:
    rows = PostgresRows(postgres_url, lock_timeout=1)
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with rows.lock.held():
            taken.set()
            done.wait(30)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        assert taken.wait(10)
        with pytest.raises(BackendUnavailable) as caught, rows.lock.held():
            pass
        assert f"asm pid {os.getpid()} on" in caught.value.details["holder"]
    finally:
        done.set()
        holder.join(10)
        rows.close()
