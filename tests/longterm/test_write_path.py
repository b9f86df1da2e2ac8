"""The write path off the index's lock: a write is acknowledged once its row and vector are
durable in SQLite (recallable at once, both halves), the vector index catches up behind a
durable queue, and readers never wait for the writers' lock of an embedded home."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.embeddings import MiniLMEmbedder
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.writer_lock import WriterLock

from .conftest import Recorder

WS = "shared"
FACTS = [
    "The deploy key for production is rotated every thirty days.",
    "Our billing service talks to Stripe through a webhook queue.",
    "Nightly backups of the orders database go to a cold storage bucket.",
]
#: Questions sharing no word with their fact: only the dense half can find them.
QUESTIONS = [
    "how often do we change the secret used for shipping releases",
    "which payment provider do we use",
    "where do database snapshots end up",
]

CHILD = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from agent_session_memory.config import Settings
    from agent_session_memory.engine.longterm import LongTermMemory
    home, mode = Path(sys.argv[1]), sys.argv[2]
    lt = LongTermMemory(Settings(home=home, lock_timeout_seconds=0.5),
                        clock=type("C", (), {"now": lambda s: time.time()})(),
                        emit=lambda e: None, event=lambda *a, **k: None)
    facts = sys.argv[3:]
    ids = [lt.remember("shared", fact).id for fact in facts]
    print(" ".join(ids), flush=True)
    if mode == "die":  # acknowledged, then killed before the index could take them
        os.kill(os.getpid(), signal.SIGKILL)
    lt.close()  # indexes them (the index's generation moves on)
    from agent_session_memory.stores.longterm.writer_lock import WriterLock
    with WriterLock(home / "chroma.lock").hold():  # then a writer that never lets go
        print("held", flush=True)
        time.sleep(120)
""")


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _open(home: Path, embedder: MiniLMEmbedder, lock_timeout: float = 0.5) -> LongTermMemory:
    clock = ManualClock()
    recorder = Recorder(clock)
    return LongTermMemory(
        Settings(home=home, lock_timeout_seconds=lock_timeout),
        clock=clock,
        emit=recorder.emit,
        event=recorder.event,
        embedding_function=embedder,
    )


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "home"


def _dense_hits(lt: LongTermMemory, question: str) -> dict[str, float | None]:
    return {h.memory.id: h.semantic_score for h in lt.recall(WS, question, 3, MemoryFilter())}


def test_an_acknowledged_memory_survives_a_kill_before_indexing(
    home: Path, embedder: MiniLMEmbedder
) -> None:
    home.mkdir(parents=True)
    with WriterLock(home / "chroma.lock").hold():  # the child's index queue cannot run
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(home), "die", *FACTS],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=120,
        )
    assert child.returncode == -9, child.stderr
    ids = child.stdout.split()
    assert len(ids) == len(FACTS)
    lt = _open(home, embedder)  # the next process to open the home finishes the queue
    try:
        for memory_id, question in zip(ids, QUESTIONS, strict=True):
            found = _dense_hits(lt, question)
            assert found.get(memory_id) is not None, question  # found by its vector
        assert lt.index_queue.wait(60)
        assert lt.store.pending(WS) == [] and lt.store.count_vectors(WS) == len(FACTS)
    finally:
        lt.close()


@contextlib.contextmanager
def _reader_beside_a_holder(
    home: Path, embedder: MiniLMEmbedder, lock_timeout: float
) -> Iterator[tuple[LongTermMemory, list[str]]]:
    """A reader that has read the index, then a child that indexed ``FACTS`` (their ids are
    yielded) and now holds the writers' lock for good."""
    reader = _open(home, embedder, lock_timeout)
    child = None
    try:
        reader.remember(WS, "The office plants are watered on Mondays.")
        assert reader.index_queue.wait(60)
        reader.recall(WS, "plants", 3, MemoryFilter())  # this process has read the index
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(home), "hold", *FACTS],
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        assert child.stdout is not None
        ids = child.stdout.readline().split()
        assert child.stdout.readline().strip() == "held"  # indexed elsewhere, lock held
        yield reader, ids
    finally:
        if child is not None:
            child.kill()
            child.wait()
        reader.close()


def test_a_reader_does_not_wait_for_a_writer_holding_the_index(
    home: Path, embedder: MiniLMEmbedder
) -> None:
    with _reader_beside_a_holder(home, embedder, lock_timeout=0.5) as (reader, ids):
        for memory_id, question in zip(ids, QUESTIONS, strict=True):
            found = _dense_hits(reader, question)  # no BackendUnavailable after 0.5 s
            assert found.get(memory_id) is not None, question


def test_a_reader_does_not_wait_while_its_own_index_queue_waits_for_the_lock(
    home: Path, embedder: MiniLMEmbedder
) -> None:
    """This process's index queue waits (up to its long lock timeout) for a lock another
    process holds; meanwhile recall in this process goes on (it hung behind the queue's wait)."""
    with _reader_beside_a_holder(home, embedder, lock_timeout=300) as (reader, _):
        mine = reader.remember(WS, "The staff kitchen is cleaned every Friday afternoon.")
        time.sleep(1.0)  # the queue has gathered and now waits for the child's lock
        assert not reader.index_queue.wait(0)
        found: list[set[str]] = []
        recall = threading.Thread(
            target=lambda: found.append(
                {h.memory.id for h in reader.recall(WS, "kitchen cleaning", 3, MemoryFilter())}
            ),
            daemon=True,
        )
        recall.start()
        recall.join(60)  # a hang, not a speed: the queue would wait 300 s
        assert not recall.is_alive(), "recall waited behind this process's index queue"
        assert mine.id in found[0]


UNCLOSED = textwrap.dedent("""
    import sys
    from agent_session_memory import MemoryClient
    client = MemoryClient(path=sys.argv[1])  # never closed, as in a quick script
    for n in range(20):
        client.remember(f"note {n} written by a script that exits without closing")
""")


def test_a_script_that_never_closes_its_client_exits_cleanly_with_its_memories_indexed(
    home: Path, embedder: MiniLMEmbedder
) -> None:
    """The index queue's thread is finished at interpreter exit (it crashed the process with
    SIGSEGV when torn down inside Chroma's native code)."""
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", UNCLOSED, str(home)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=120,
        )
        assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    lt = _open(home, embedder)
    try:
        assert lt.store.pending("default") == []  # indexed before each script exited
        assert lt.store.count_vectors("default") == 60
    finally:
        lt.close()


WRITER = textwrap.dedent("""
    import sys
    from agent_session_memory import MemoryClient
    with MemoryClient(path=sys.argv[1], workspace_id="w") as client:
        client.remember("The office plants are watered on Mondays.")
""")


def test_a_reader_whose_workspace_was_empty_finds_what_another_process_indexed_since(
    tmp_path: Path,
) -> None:
    """The reader opened the workspace before it had an index on disk; another process then
    wrote it. Chroma's stale client failed ("Nothing found on disk"): it is reopened instead."""
    from agent_session_memory import MemoryClient

    with MemoryClient(path=str(tmp_path / "home"), workspace_id="w") as reader:
        assert reader.recall("anything at all", k=3) == []
        subprocess.run(
            [sys.executable, "-c", WRITER, str(tmp_path / "home")], check=True, env=_env()
        )
        hits = reader.recall("how often are the plants watered", k=3)
        assert [h.memory.content for h in hits] == ["The office plants are watered on Mondays."]
