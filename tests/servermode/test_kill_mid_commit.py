"""kill -9 of an ``asm serve`` process in the middle of a commit, at each step of the write
protocol (``AGENT_MEMORY_CRASH_AT``), on the commit's path or behind the index queue: the same
commit retried through another process answers at once (the dead holder's commit lease and
PostgreSQL lock are free), and each memory exists once and is recalled."""

from __future__ import annotations

import contextlib
import signal
import uuid
from pathlib import Path

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.engine.longterm.crashpoints import ENV
from agent_session_memory.errors import BackendUnavailable

from ..live_server import serve_process

#: Well under the commit lease wait (60 s): a retry stuck behind the dead holder's lease fails.
RETRY_TIMEOUT = 20.0
FACTS = {
    "backup_window": "Backups of the billing database run at 02:00 UTC",
    "pager_rotation": "The pager rotates every Monday at 09:00",
}
#: On the commit's own path: the commit fails with the process.
CALLER_STEPS = ["rows_staged", "before_events"]
#: Behind the index queue: the process dies while (or just after) the commit answers.
QUEUE_STEPS = ["vectors_indexed", "rows_done"]
STEPS = CALLER_STEPS + QUEUE_STEPS


@pytest.mark.parametrize("step", STEPS)
def test_a_commit_killed_mid_write_is_retried_through_another_process_at_once(
    tmp_path: Path, server_env: dict[str, str], step: str
) -> None:
    ws = f"ws{uuid.uuid4().hex[:8]}"
    env = {**server_env, "AGENT_MEMORY_WORKSPACE": ws}
    with (
        serve_process(tmp_path / "a", "--open", env={**env, ENV: step}) as (a, doomed),
        serve_process(tmp_path / "b", "--open", env=env) as (b, _),
        MemoryClient(base_url=a, workspace_id=ws, retries=0, timeout=60) as ca,
        MemoryClient(base_url=b, workspace_id=ws, retries=0, timeout=RETRY_TIMEOUT) as cb,
    ):
        assert cb.recall("warm up", k=1) == []  # B's embedder is loaded before the clock runs
        session = ca.create_session(ttl_seconds=600)
        for key, fact in FACTS.items():
            ca.set_context(session.id, key, fact, importance=0.9)

        if step in CALLER_STEPS:
            with pytest.raises(BackendUnavailable, match="cannot reach"):
                ca.commit_session(session.id, min_importance=0.5)
        else:  # the answer races the index queue's crash: either is fine, nothing is lost
            with contextlib.suppress(BackendUnavailable):
                ca.commit_session(session.id, min_importance=0.5)
        assert doomed.wait(timeout=30) == -signal.SIGKILL

        result = cb.commit_session(session.id, min_importance=0.5)
        expected = {f"{key.replace('_', ' ')}: {fact}" for key, fact in FACTS.items()}
        assert result.memories_created + result.duplicates_skipped == len(FACTS)
        memories = cb.list_memories()
        assert sorted(m.content for m in memories) == sorted(expected)
        for content in expected:
            hits = cb.recall(content, k=1)
            assert hits[0].memory.content == content
        again = cb.commit_session(session.id, min_importance=0.5)
        assert again.memories_created == 0 and len(cb.list_memories()) == len(FACTS)
