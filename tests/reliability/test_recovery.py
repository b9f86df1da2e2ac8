"""Damage and growth: what the user sees when a file is lost or damaged, ``asm doctor``,
``asm repair`` (rebuilds, never deletes), event retention and ``asm gc --compact``."""

from __future__ import annotations

import io
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.cli.main import main
from agent_session_memory.errors import BackendUnavailable, ConfigurationError
from agent_session_memory.stores.longterm.chroma import ChromaStore

from .word_hash_embedder import DIMENSION, OtherWordHashEmbedder, WordHashEmbedder
from .word_hash_embedder import vector as word_vector

SEMANTIC = "which token format protects our login?"  # no word in common with the memory


def _home(tmp_path: Path, n: int = 3) -> Path:
    home = tmp_path / "home"
    with MemoryClient(path=str(home)) as client:
        client.remember("We chose JWT for auth", tags=["auth"])
        for i in range(n - 1):
            client.remember(f"unrelated note number {i} about the release calendar")
        session = client.create_session(ttl_seconds=3600)
        client.set_context(session.id, "task", "kept")
    return home


def _asm(home: Path, *args: str) -> int:
    return main(["--path", str(home), *args])


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    yield _home(tmp_path)


# -- a lost half of the home is said at open ---------------------------------------------------
@pytest.mark.parametrize("name", ["sessions.db", "memories.db", "chroma/chroma.sqlite3"])
def test_a_zero_byte_file_is_reported_not_taken_for_an_empty_home(home: Path, name: str) -> None:
    (home / name).write_bytes(b"")
    with pytest.raises(BackendUnavailable) as info, MemoryClient(path=str(home)) as client:
        client.list_sessions()
        client.list_memories()
    assert info.value.details["reason"] in {"empty_file", "rows_missing", "vector_index_missing"}


def test_a_deleted_sessions_file_is_said_at_open_not_taken_for_a_new_home(home: Path) -> None:
    for name in ("sessions.db", "sessions.db-wal", "sessions.db-shm"):
        (home / name).unlink(missing_ok=True)
    with pytest.raises(BackendUnavailable) as info, MemoryClient(path=str(home)) as client:
        client.list_sessions()
    assert info.value.details["reason"] == "sessions_missing"
    assert "sessions.db is missing" in info.value.message
    assert not (home / "sessions.db").exists()  # nothing created in its place
    # Starting afresh is a deliberate choice: name the file explicitly.
    url = f"sqlite:///{home / 'sessions.db'}"
    with MemoryClient(path=str(home), session_store_url=url) as client:
        assert client.list_sessions() == []
        assert len(client.list_memories()) == 3


@pytest.mark.parametrize("name", ["sessions.db", "memories.db", "chroma/chroma.sqlite3"])
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_file_is_a_typed_error(home: Path, name: str, damage: str) -> None:
    path = home / name
    data = path.read_bytes()
    path.write_bytes(b"x" * 8192 if damage == "garbage" else data[: len(data) // 2])
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    with pytest.raises(BackendUnavailable), MemoryClient(path=str(home)) as client:
        client.list_sessions()
        client.recall("JWT")


def test_a_deleted_vector_index_is_said_then_repaired(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(home / "chroma")
    with pytest.raises(BackendUnavailable) as info, MemoryClient(path=str(home)) as client:
        client.recall(SEMANTIC)
    assert info.value.details["reason"] == "vector_index_missing"
    assert "asm repair" in info.value.message
    assert _asm(home, "doctor") == 1
    assert "vector index is missing" in capsys.readouterr().out
    assert _asm(home, "repair") == 0
    assert "3 memories re-embedded" in capsys.readouterr().out
    assert _asm(home, "doctor") == 0
    with MemoryClient(path=str(home)) as client:
        assert client.recall(SEMANTIC, k=1)[0].memory.content == "We chose JWT for auth"
        assert len(client.list_memories()) == 3  # nothing lost, nothing doubled


def test_repair_draws_a_progress_bar_that_moves_with_each_batch(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, ``asm repair`` shows its progress; batches are coarse (128 memories), so
    the bar moves with each of them, not every 50."""
    from agent_session_memory.engine.maintenance import repair

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(repair, "BATCH", 1)  # 3 memories: 3 batches
    monkeypatch.setattr(sys, "stderr", terminal)
    assert _asm(home, "repair", "--full") == 0
    drawn = terminal.getvalue()
    for done in (1, 2, 3):
        assert "re-embedding default [" in drawn and f"] {done}/3" in drawn, drawn


def test_doctor_finds_rows_without_vectors_and_a_stale_lexical_index(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MemoryClient(path=str(home)) as client:
        memory = client.recall("JWT", k=1)[0].memory
    from agent_session_memory.stores.longterm.chroma import ChromaStore
    from agent_session_memory.stores.longterm.fts import fts_table

    chroma = ChromaStore(home / "chroma")
    chroma.delete("default", [memory.id])
    chroma.close()
    with sqlite3.connect(home / "memories.db") as db:
        db.execute(f"DELETE FROM {fts_table('default')}")
    assert _asm(home, "doctor") == 1
    out = capsys.readouterr().out
    assert "1 memories without a vector" in out and "lexical index has 0 entries" in out
    assert _asm(home, "repair") == 0
    assert _asm(home, "doctor") == 0
    with MemoryClient(path=str(home)) as client:
        assert client.recall(SEMANTIC, k=1)[0].memory.id == memory.id
        assert [h.memory.id for h in client.recall("JWT", k=1)] == [memory.id]


def test_vectors_without_rows_are_said_with_a_fix_repair_cannot_give_and_kept(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row gone while its vector stays (memories.db older than the index): ``asm repair``
    only adds, so the doctor must not send the user there for it, and repair keeps the vector."""
    with MemoryClient(path=str(home)) as client:
        memory = client.recall("JWT", k=1)[0].memory
    with sqlite3.connect(home / "memories.db") as db:
        db.execute("DELETE FROM memories WHERE id = ?", (memory.id,))
    assert _asm(home, "repair") == 0  # the lexical index follows the rows
    capsys.readouterr()
    assert _asm(home, "doctor") == 1
    out = capsys.readouterr().out
    assert "1 vectors without a memory row" in out
    assert "-> memories.db lacks rows the vector index still holds" in out
    assert "run `asm repair`" not in out
    chroma = ChromaStore(home / "chroma")
    try:
        assert memory.id in chroma.existing_ids("default")  # never deleted
    finally:
        chroma.close()


def test_a_damaged_vector_index_is_moved_aside_never_deleted(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "chroma" / "chroma.sqlite3").write_bytes(b"x" * 8192)
    assert _asm(home, "doctor") == 1
    assert _asm(home, "repair") == 0
    assert "moved to" in capsys.readouterr().out
    assert [p.name for p in home.glob("chroma.damaged-*")] != []
    assert _asm(home, "doctor") == 0


def test_damaged_rows_cannot_be_repaired_and_repair_says_so(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "memories.db").write_bytes(b"x" * 8192)
    assert _asm(home, "repair") == 2
    assert "backup" in capsys.readouterr().err


# -- growth ------------------------------------------------------------------------------------
def test_gc_drops_events_past_the_retention_period(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(home / "sessions.db") as db:
        db.execute("UPDATE events SET at = at - 100 * 86400 WHERE type = 'memory_created'")
    monkeypatch.setenv("AGENT_MEMORY_EVENT_RETENTION_DAYS", "90")
    assert _asm(home, "gc") == 0
    assert "dropped 3 events" in capsys.readouterr().out
    with MemoryClient(path=str(home)) as client:
        kinds = {e.type.value for e in client.list_events()}
    assert kinds == {"session_started"}
    monkeypatch.setenv("AGENT_MEMORY_EVENT_RETENTION_DAYS", "none")
    assert _asm(home, "gc") == 0
    assert "dropped 0 events" in capsys.readouterr().out


def test_compaction_gives_forgotten_space_back(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with MemoryClient(path=str(home)) as client:
        client.remember("a memory that stays", workspace_id="kept")
        bulky = [  # bulk in metadata: stored, not embedded (embedding is the slow part)
            {"id": f"b{i}", "content": f"note {i}", "metadata": {"blob": "lorem ipsum " * 400}}
            for i in range(60)
        ]
        client.import_workspace(bulky, workspace_id="gone")
        client.forget_where(everything=True, workspace_id="gone")
    before = (home / "memories.db").stat().st_size + (home / "chroma/chroma.sqlite3").stat().st_size
    started = time.monotonic()
    assert _asm(home, "gc", "--compact") == 0
    assert time.monotonic() - started < 60
    after = (home / "memories.db").stat().st_size + (home / "chroma/chroma.sqlite3").stat().st_size
    assert after < before
    with sqlite3.connect(f"file:{home / 'chroma/chroma.sqlite3'}?mode=ro", uri=True) as db:
        live = {i for (i,) in db.execute("SELECT id FROM segments")}
    folders = {p.name for p in (home / "chroma").iterdir() if p.is_dir()}
    assert folders <= live  # the dropped collection's index folder is gone
    assert _asm(home, "doctor") == 0
    with MemoryClient(path=str(home)) as client:
        assert [h.memory.content for h in client.recall("stays", workspace_id="kept")] == [
            "a memory that stays"
        ]


def test_a_damaged_vector_index_stays_typed_call_after_call_and_changes_nothing(
    home: Path,
) -> None:
    """chromadb left its client half-broken after the first failure: AttributeError after."""
    path = home / "chroma" / "chroma.sqlite3"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with MemoryClient(path=str(home)) as client:
        for _ in range(3):
            with pytest.raises(BackendUnavailable):
                client.recall("JWT")
        # A new memory does not wait for the index: it is kept, queued for ``asm repair``.
        kept = client.remember("a memory the damaged index cannot take yet")
        assert kept.id in {m.id for m in client.list_memories()}
        with pytest.raises(BackendUnavailable):
            client.recall("JWT")


def test_repair_embeds_with_the_configured_embedder_not_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    contents = ["We chose JWT for auth", "Deploys happen on Fridays"]
    with MemoryClient(path=str(home), embedding_function=WordHashEmbedder()) as client:
        ids = [client.remember(c).id for c in contents]
    shutil.rmtree(home / "chroma")
    monkeypatch.setenv("AGENT_MEMORY_EMBEDDER", f"{WordHashEmbedder.__module__}:WordHashEmbedder")
    assert _asm(home, "repair") == 0
    assert "2 memories re-embedded" in capsys.readouterr().out
    assert _asm(home, "doctor") == 0
    chroma = ChromaStore(home / "chroma")
    try:
        stored = chroma.embeddings("default", ids)
    finally:
        chroma.close()
    for memory_id, content in zip(ids, contents, strict=True):
        expected = np.asarray(word_vector(content), dtype=np.float32)
        expected /= np.linalg.norm(expected)
        assert stored[memory_id].shape == (DIMENSION,)  # not the default model's 384
        assert np.allclose(stored[memory_id], expected, atol=1e-5)
    # the engine reads the same setting: recall works without passing the function again
    with MemoryClient(path=str(home)) as client:
        assert client.recall("happen on Fridays", k=1)[0].memory.content == contents[1]


def test_doctor_checks_the_configured_embedder_against_the_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    with MemoryClient(path=str(home), embedding_function=WordHashEmbedder()) as client:
        client.remember("We chose JWT for auth")
    assert _asm(home, "doctor") == 1  # the default model's 384 dimensions against 32
    out = capsys.readouterr().out
    assert "32 dimensions, the configured embedder gives 384" in out
    assert "asm repair --full" in out
    monkeypatch.setenv("AGENT_MEMORY_EMBEDDER", f"{WordHashEmbedder.__module__}:WordHashEmbedder")
    assert _asm(home, "doctor") == 0
    assert f"the configured embedder gives {DIMENSION} dimensions" in capsys.readouterr().out


def test_switching_to_an_embedder_of_another_dimension_is_done_by_repair_full(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the doctor advises for a new embedder (``asm repair --full``) works: every memory
    is re-embedded into a fresh index of the new dimension, nothing is lost or doubled, and
    recall runs on the new embedder afterwards."""
    monkeypatch.setenv("AGENT_MEMORY_EMBEDDER", f"{WordHashEmbedder.__module__}:WordHashEmbedder")
    assert _asm(home, "doctor") == 1  # 384-dimension vectors, a 32-dimension embedder
    assert "asm repair --full" in capsys.readouterr().out
    assert _asm(home, "repair", "--full") == 0
    assert "3 memories re-embedded" in capsys.readouterr().out
    assert _asm(home, "doctor") == 0
    with MemoryClient(path=str(home)) as client:
        assert len(client.list_memories()) == 3
        [hit] = client.recall("chose JWT", k=1)
        assert hit.memory.content == "We chose JWT for auth"
        assert hit.semantic_score > 0.5  # the new embedder's vectors, searched semantically
        assert client.get_context(client.list_sessions()[0].id, "task") == "kept"


def test_another_embedder_of_the_same_size_is_refused_until_repair_full_moves_the_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Vectors of two models of one size would mix silently and recall would rank by noise:
    the workspace keeps its embedder's name, another is refused (writes and recalls) with the
    way out, and ``asm repair --full`` moves the home to the new one."""
    home = tmp_path / "home"
    with MemoryClient(path=str(home), embedding_function=WordHashEmbedder()) as client:
        client.remember("We chose JWT for auth")
    other = OtherWordHashEmbedder()
    with MemoryClient(path=str(home), embedding_function=other) as client:
        with pytest.raises(ConfigurationError) as info:
            client.remember("Deploys happen on Fridays")
        assert "'WordHashEmbedder'" in info.value.message
        assert "asm repair --full" in info.value.message
        with pytest.raises(ConfigurationError):
            client.recall("chose JWT")
        # another workspace has no vectors yet: any embedder may start it
        client.remember("Deploys happen on Fridays", workspace_id="fresh")
        assert client.recall("happen Fridays", workspace_id="fresh")[0].semantic_score > 0.5
    with MemoryClient(path=str(home), embedding_function=WordHashEmbedder()) as client:
        assert [m.content for m in client.list_memories()] == ["We chose JWT for auth"]
        assert client.recall("chose JWT", k=1)[0].semantic_score > 0.5

    monkeypatch.setenv(
        "AGENT_MEMORY_EMBEDDER", f"{OtherWordHashEmbedder.__module__}:OtherWordHashEmbedder"
    )
    assert _asm(home, "doctor") == 1
    out = capsys.readouterr().out
    assert "come from the embedder 'WordHashEmbedder'" in out and "asm repair --full" in out
    assert _asm(home, "repair") == 2  # re-embedding with it would mix the two
    assert "'WordHashEmbedder'" in capsys.readouterr().err
    assert _asm(home, "repair", "--full") == 0
    assert _asm(home, "doctor") == 0
    with MemoryClient(path=str(home)) as client:
        [hit] = client.recall("chose JWT", k=1)
        assert hit.memory.content == "We chose JWT for auth" and hit.semantic_score > 0.5
    with (
        pytest.raises(ConfigurationError),
        MemoryClient(path=str(home), embedding_function=WordHashEmbedder()) as client,
    ):
        client.recall("chose JWT")


def test_a_home_whose_memories_all_wait_for_the_index_is_not_said_to_have_lost_them(
    home: Path,
) -> None:
    """Rows all pending (an index step that failed, say) are rows: the home opens, and is not
    reported as a lost ``memories.db``."""
    with sqlite3.connect(home / "memories.db") as db:
        db.execute("UPDATE memories SET pending = 1")
    with MemoryClient(path=str(home)) as client:
        assert client.recall("JWT", k=1)[0].memory.content == "We chose JWT for auth"


def test_an_embedder_setting_that_cannot_be_loaded_is_a_configuration_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_MEMORY_EMBEDDER", "no_such_module_here:Nothing")
    with pytest.raises(ConfigurationError) as info, MemoryClient(path=str(home)) as client:
        client.recall("JWT")
    assert "no_such_module_here" in info.value.message
