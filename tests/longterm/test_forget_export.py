"""Forgetting leaves nothing in any store; export then import reproduces recall."""

from __future__ import annotations

from pathlib import Path

from agent_session_memory.clock import ManualClock
from agent_session_memory.embeddings import MiniLMEmbedder
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.stores.longterm.filters import MemoryFilter

from .conftest import Recorder, open_longterm
from .fakes import fts_matches

WS = "fx"


def test_forget_leaves_nothing(lt: LongTermMemory, recorder: Recorder) -> None:
    gone = lt.remember(WS, "The zebracorn launch code is 7731", tags=["secret"])
    kept = lt.remember(WS, "Lunch is at noon")
    assert lt.forget(WS, [gone.id]) == 1
    assert lt.index_queue.wait(30)  # the index catches up behind the queue
    assert lt.store.chroma.ids(WS) == [kept.id]
    assert lt.store.count_rows(WS) == 1 and fts_matches(lt.store.rows.path, "zebracorn") == 0
    assert lt.store.get_rows(WS, [gone.id]) == {}
    assert all(h.memory.id != gone.id for h in lt.recall(WS, "zebracorn code", 5, MemoryFilter()))
    assert lt.forget(WS, [gone.id]) == 0
    assert "memory_forgotten" in recorder.types()


def test_forget_where_and_everything(lt: LongTermMemory, clock: ManualClock) -> None:
    a = lt.remember(WS, "Old note about apples", type="note")
    clock.advance(100)
    lt.remember(WS, "Fact about bananas", tags=["fruit"])
    lt.remember(WS, "Fact about cherries")
    assert (
        lt.forget_where(
            WS, MemoryFilter(types=("note",), include_superseded=True), everything=False
        )
        == 1
    )
    assert lt.store.get_rows(WS, [a.id]) == {}
    assert lt.forget_where(WS, MemoryFilter(include_superseded=True), everything=True) == 2
    assert lt.store.count_vectors(WS) == 0 and lt.store.count_rows(WS) == 0
    assert fts_matches(lt.store.rows.path, "bananas cherries apples") == 0


def test_export_import_round_trip(
    lt: LongTermMemory, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    for text in [
        "We chose JWT for auth",
        "Deploys go out on Tuesdays",
        "The database is PostgreSQL 16",
        "Alice owns billing",
    ]:
        lt.remember(WS, text, tags=["t"], metadata={"src": text[:3]})
    exported = lt.export(WS)
    clock = ManualClock()
    other = open_longterm(tmp_path / "other", embedder, clock, Recorder(clock))
    try:
        assert other.import_(WS, exported).imported == 4
        assert other.export(WS) == exported
        for q in ["authentication", "release day", "which database", "who owns billing"]:
            want = [(h.memory.id, round(h.score, 4)) for h in lt.recall(WS, q, 3, MemoryFilter())]
            got = [(h.memory.id, round(h.score, 4)) for h in other.recall(WS, q, 3, MemoryFilter())]
            assert got == want
    finally:
        other.close()
