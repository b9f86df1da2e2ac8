"""Claude Code hooks fed recorded hook inputs: they start, brief and commit, and never fail."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.mcp_server.hooks import CLAUDE_KEY

from .conftest import ASM, asm_command

pytestmark = pytest.mark.timeout(180)
RECORDED = Path(__file__).parent / "claude_code"
CLAUDE_ID = "9f3c2b1e-5d4a-4c7e-8b2f-1a6d0e9c4b37"


def hook_input(name: str, project: Path) -> str:
    """A recorded Claude Code hook input, pointed at this test's project and transcript."""
    transcript = project / "transcript.jsonl"
    if not transcript.exists():
        text = (RECORDED / "transcript.jsonl").read_text().replace("CWD", str(project))
        transcript.write_text(text)
    data = json.loads((RECORDED / f"{name}.json").read_text())
    data.update(cwd=str(project), transcript_path=str(transcript))
    return json.dumps(data)


def run_hook(
    command: list[str], stdin: str, env: dict[str, str] | None = None
) -> tuple[dict[str, Any] | None, float]:
    started = time.monotonic()
    proc = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.strip()
    return (json.loads(out) if out else None), elapsed


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project-x"
    folder.mkdir()
    return folder


def test_the_hooks_brief_at_start_and_commit_at_compaction_stop_and_end(
    home: Path, project: Path
) -> None:
    with MemoryClient(path=str(home), workspace_id="project-x") as client:
        client.remember("We deploy with blue-green releases", type="decision", importance=0.9)

    out, elapsed = run_hook(
        asm_command(home, "hook", "session-start"), hook_input("session_start", project)
    )
    assert out is not None and elapsed < 20
    context = out["hookSpecificOutput"]["additionalContext"]
    assert out["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    assert "workspace project-x" in context and "blue-green" in context
    with MemoryClient(path=str(home), workspace_id="project-x") as client:
        (session,) = client.list_sessions()
        assert session.metadata[CLAUDE_KEY] == CLAUDE_ID and session.id in context

    # resumed: the same session, no second one
    run_hook(asm_command(home, "hook", "session-start"), hook_input("session_start", project))
    out, _ = run_hook(asm_command(home, "hook", "pre-compact"), hook_input("pre_compact", project))
    assert out is None
    with MemoryClient(path=str(home), workspace_id="project-x") as client:
        assert [s.id for s in client.list_sessions()] == [session.id]
        context_items = client.get_context(session.id)
        assert context_items["task"].startswith("Replace the session cookies")
        assert context_items["latest_request"] == "Also rotate the signing key every 30 days."
        assert context_items["files_edited"] == [
            "/repo/src/auth/login.py",
            "/repo/src/auth/keys.py",
        ]
        assert "rotate every 30 days" in context_items["latest_outcome"]
        memories = [m.content for m in client.list_memories(session_id=session.id)]
        assert any(m.startswith("task: Replace the session cookies") for m in memories)

    run_hook(asm_command(home, "hook", "stop"), hook_input("stop", project))
    with MemoryClient(path=str(home), workspace_id="project-x") as client:
        memories = [m.content for m in client.list_memories(session_id=session.id)]
        assert any("httpOnly cookie" in m for m in memories)  # the last answer, committed

    # the same answer again: nothing new is written or committed
    with MemoryClient(path=str(home), workspace_id="project-x") as client:
        before = client.get_context_items(session.id)
        count = len(client.list_memories())
    run_hook(asm_command(home, "hook", "stop"), hook_input("stop", project))
    with MemoryClient(path=str(home), workspace_id="project-x") as client:
        after = client.get_context_items(session.id)
        assert {k: i.version for k, i in after.items()} == {k: i.version for k, i in before.items()}
        assert len(client.list_memories()) == count

    run_hook(asm_command(home, "hook", "session-end"), hook_input("session_end", project))
    with MemoryClient(path=str(home), workspace_id="project-x") as client:
        ended = client.get_session(session.id)
        assert ended.status.value == "ended" and ended.committed_at is not None


def test_a_stop_hook_that_is_already_active_does_nothing(home: Path, project: Path) -> None:
    data = json.loads(hook_input("stop", project)) | {"stop_hook_active": True}
    out, _ = run_hook(asm_command(home, "hook", "stop"), json.dumps(data))
    assert out is None
    assert not home.exists()  # nothing was even opened


@pytest.mark.parametrize("event", ["session-start", "pre-compact", "stop", "session-end"])
def test_a_broken_home_never_fails_the_users_session(
    tmp_path: Path, project: Path, event: str
) -> None:
    broken = tmp_path / "not-a-folder"
    broken.write_text("a file where the memory home should be")
    name = event.replace("-", "_")
    out, elapsed = run_hook(asm_command(broken, "hook", event), hook_input(name, project))
    assert out is not None and elapsed < 20
    assert out["systemMessage"].startswith(f"agent-session-memory: {event} hook skipped")


@pytest.mark.parametrize(
    "stdin",
    ["", "not json", "[1, 2]", '{"no": "session id"}', '{"session_id": "a\\ud800", "cwd": 5}'],
)
def test_bad_hook_input_exits_0_with_a_note(home: Path, stdin: str) -> None:
    out, _ = run_hook(asm_command(home, "hook", "session-start"), stdin)
    assert out is not None and "hook skipped" in out["systemMessage"]


def test_a_hook_gives_up_within_its_budget_when_the_server_hangs(project: Path) -> None:
    """A server that accepts and never answers: the watchdog ends the hook at --timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        out, elapsed = run_hook(
            [*ASM, "hook", "session-start", "--timeout", "2"],
            hook_input("session_start", project),
            env={"AGENT_MEMORY_URL": url},
        )
    assert out is not None and "gave up after 2 s" in out["systemMessage"]
    assert elapsed < 2 + 5  # the budget plus the interpreter's start
