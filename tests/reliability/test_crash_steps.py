"""Kill -9 exactly at each step of a write (``crashpoints``), then what the next process sees.

The random kills of ``test_faults.py`` land wherever they land; here a child process dies at one
named step (``AGENT_MEMORY_CRASH_AT``), every step in turn. After it, a new process opens the home
and finds: the retried commit or import succeeds at once, each memory is there exactly once,
every acknowledged memory is recallable, and ``asm doctor`` finds the home healthy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.cli.main import main
from agent_session_memory.crashpoints import STEPS

ACKNOWLEDGED = ["We chose JWT for auth", "The deploy runs on Fridays after the standup"]
IMPORTANT = {"db": "We store sessions in PostgreSQL 16", "cache": "Redis holds the hot keys"}
# The steps an import passes: it stages its rows (``write.rows_staged``, then
# ``import.rows_staged``) and returns; the index queue indexes them (``write.vectors_indexed``,
# ``write.done``). It writes no events, so never reaches ``write.before_events``.
IMPORT_STEPS = ["write.rows_staged", "import.rows_staged", "write.vectors_indexed", "write.done"]
RECORDS = [
    {"id": f"imported-{i}", "content": f"imported note {i} about the archive"} for i in range(5)
]

CHILD = textwrap.dedent("""
    import json, sys
    from agent_session_memory import MemoryClient
    home, action, argument = sys.argv[1:4]
    with MemoryClient(path=home) as client:
        if action == "commit":
            client.commit_session(argument)
        else:
            client.import_workspace(json.loads(argument), on_conflict=action)
    print("survived", flush=True)
""")


def _home(tmp_path: Path) -> tuple[Path, str]:
    """A home with acknowledged memories and a session whose important items await a commit."""
    home = tmp_path / "home"
    with MemoryClient(path=str(home)) as client:
        for content in ACKNOWLEDGED:
            client.remember(content)
        session = client.create_session(ttl_seconds=3600)
        for key, value in IMPORTANT.items():
            client.set_context(session.id, key, value, importance=0.9)
    return home, session.id


def _killed_at(step: str, home: Path, action: str, argument: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "AGENT_MEMORY_CRASH_AT": step}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), action, argument],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, (step, done.returncode, done.stderr[-2000:])
    assert "survived" not in done.stdout


def _each_once_and_recallable(client: MemoryClient, contents: list[str]) -> None:
    stored = [m.content for m in client.list_memories(limit=1000)]
    assert sorted(stored) == sorted(contents)  # nothing lost, nothing doubled
    for content in ACKNOWLEDGED:
        assert content in [h.memory.content for h in client.recall(content, k=3)]


def test_every_step_is_crashed_by_a_commit_or_an_import() -> None:
    commit_steps = {s for s in STEPS if not s.startswith("import.")}
    assert set(IMPORT_STEPS) <= set(STEPS)
    assert commit_steps | set(IMPORT_STEPS) == set(STEPS)


@pytest.mark.parametrize("step", [s for s in STEPS if not s.startswith("import.")])
def test_a_commit_killed_at_each_step_is_retried_at_once_writing_each_memory_once(
    tmp_path: Path, step: str
) -> None:
    home, session_id = _home(tmp_path)
    _killed_at(step, home, "commit", session_id)
    with MemoryClient(path=str(home)) as client:
        client.commit_session(session_id)  # the dead committer's lease does not stand in the way
        stored = [m.content for m in client.list_memories(limit=1000)]
        assert len(stored) == len(ACKNOWLEDGED) + len(IMPORTANT)  # each item once
        for value in IMPORTANT.values():
            assert sum(value in c for c in stored) == 1, (value, stored)
        _each_once_and_recallable(client, stored)
        assert client.commit_session(session_id).memory_ids == []  # done: nothing left to do
    assert main(["--path", str(home), "doctor"]) == 0


@pytest.mark.parametrize("step", IMPORT_STEPS)
def test_an_import_killed_at_each_step_is_all_or_nothing_and_can_be_retried(
    tmp_path: Path, step: str
) -> None:
    home, _ = _home(tmp_path)
    _killed_at(step, home, "error", json.dumps(RECORDS))
    imported = [r["content"] for r in RECORDS]
    with MemoryClient(path=str(home)) as client:
        stored = {m.content for m in client.list_memories(limit=1000)}
        assert stored in ({*ACKNOWLEDGED}, {*ACKNOWLEDGED, *imported})  # all or nothing
        result = client.import_workspace(RECORDS, on_conflict="skip")  # the retry
        assert result.imported + result.skipped == len(RECORDS)
        assert result.skipped in (0, len(RECORDS))
        _each_once_and_recallable(client, [*ACKNOWLEDGED, *imported])
        for record in RECORDS:
            hits = client.recall(record["content"], k=3)
            assert record["id"] in [h.memory.id for h in hits]
    assert main(["--path", str(home), "doctor"]) == 0


@pytest.mark.parametrize("step", IMPORT_STEPS)
def test_an_import_replacing_memories_killed_at_each_step_leaves_old_or_new_never_a_mix(
    tmp_path: Path, step: str
) -> None:
    home, _ = _home(tmp_path)
    with MemoryClient(path=str(home)) as client:
        client.import_workspace(RECORDS)
    newer = [{**r, "content": f"rewritten note {i} on the ledger"} for i, r in enumerate(RECORDS)]
    _killed_at(step, home, "replace", json.dumps(newer))
    old, new = {r["content"] for r in RECORDS}, {r["content"] for r in newer}
    with MemoryClient(path=str(home)) as client:
        stored = {m.content for m in client.list_memories(limit=1000)} - {*ACKNOWLEDGED}
        assert stored in (old, new)  # all or nothing
        result = client.import_workspace(newer, on_conflict="replace")  # the retry
        assert (result.imported, result.replaced) == (0, len(newer))
        _each_once_and_recallable(client, [*ACKNOWLEDGED, *new])
        for record in newer:  # the vectors follow the new text
            hits = client.recall(record["content"], k=1)
            assert hits[0].memory.id == record["id"]
    assert main(["--path", str(home), "doctor"]) == 0
