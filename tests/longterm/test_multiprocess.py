"""Two processes writing one embedded home: the file lock serialises them, and every process
(including one that opened the home before them) sees all writes in dense recall."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.embeddings import MiniLMEmbedder
from agent_session_memory.stores.longterm.filters import MemoryFilter

from .conftest import Recorder, open_longterm

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from agent_session_memory.config import Settings
    from agent_session_memory.engine.longterm import LongTermMemory
    from agent_session_memory.stores.longterm.filters import MemoryFilter
    home, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    lt = LongTermMemory(Settings(home=home), clock=type("C", (), {"now": lambda s: time.time()})(),
                        emit=lambda e: None, event=lambda *a, **k: None)
    for i in range(n):
        lt.remember("shared", f"{name} wrote fact number {i} about topic {name}{i}")
        lt.recall("shared", f"fact {i}", 3, MemoryFilter())
    lt.close()
""")


@pytest.mark.slow
def test_two_writer_processes(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    home = tmp_path / "home"
    clock = ManualClock()
    reader = open_longterm(home, embedder, clock, Recorder(clock))
    reader.remember("shared", "seed memory written before the writers start")
    assert reader.index_queue.wait(60)
    n = 15
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(home), name, str(n)])
        for name in ("alpha", "beta")
    ]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    try:
        assert reader.store.count_vectors("shared") == 2 * n + 1
        assert reader.store.count_rows("shared") == 2 * n + 1
        for name in ("alpha", "beta"):
            for i in (0, n - 1):
                hits = reader.recall("shared", f"{name}{i}", 1, MemoryFilter())
                assert hits[0].memory.content.endswith(f"topic {name}{i}")
                vec = embedder.embed([hits[0].memory.content])
                [dense] = reader.store.search_vectors("shared", vec, 1)  # HNSW, not only SQLite
                assert dense[0][0] == hits[0].memory.id
    finally:
        reader.close()
    again = open_longterm(home, embedder, clock, Recorder(clock))  # the folder reopens cleanly
    try:
        assert again.store.count_vectors("shared") == 2 * n + 1
        assert len(again.recall("shared", "fact number", 50, MemoryFilter())) == 2 * n + 1
    finally:
        again.close()
