"""The ``asm`` command, run as a user runs it: a real subprocess on a fresh home."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from agent_session_memory import MemoryClient
from agent_session_memory.contract import OPERATIONS


def asm(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_session_memory.cli", "--path", str(home), *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


def test_sessions_lists_what_the_api_created(tmp_path: Path) -> None:
    with MemoryClient(path=str(tmp_path)) as client:
        session = client.create_session(ttl_seconds=600)
    out = asm(tmp_path, "sessions")
    assert out.returncode == 0, out.stderr
    assert session.id in out.stdout and "active" in out.stdout


def test_errors_are_typed_and_exit_2(tmp_path: Path) -> None:
    out = asm(tmp_path, "--workspace", "../etc", "sessions")
    assert out.returncode == 2
    assert "invalid_input" in out.stderr


def test_demo_runs_the_whole_lifecycle(tmp_path: Path) -> None:
    out = asm(tmp_path, "demo")
    assert out.returncode == 0, out.stderr
    for step in ("Start a session", "Working memory", "commit", "Recall", "briefing"):
        assert step in out.stdout
    assert "memories created" in out.stdout


def test_export_then_import_into_an_empty_home(tmp_path: Path) -> None:
    source, target = tmp_path / "a", tmp_path / "b"
    with MemoryClient(path=str(source)) as client:
        client.remember("We chose JWT for auth", importance=0.8, tags=["auth"])
        client.remember("Deploys happen on Fridays", importance=0.4)
    dump = tmp_path / "memories.jsonl"
    assert asm(source, "export", str(dump)).returncode == 0
    lines = dump.read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["content"] for line in lines)
    assert asm(target, "import", str(dump)).returncode == 0
    out = asm(target, "recall", "authentication tokens", "-k", "1")
    assert "We chose JWT for auth" in out.stdout


def test_gc_sweeps_the_named_workspace_or_else_the_whole_home(tmp_path: Path) -> None:
    with MemoryClient(path=str(tmp_path)) as client:
        for ws in ("a", "b"):
            sid = client.create_session(ttl_seconds=1, workspace_id=ws).id
            client.set_context(sid, "auth_decision", f"JWT for {ws}", importance=0.9)
    time.sleep(1.5)
    out = asm(tmp_path, "--workspace", "a", "gc")
    assert out.returncode == 0, out.stderr
    assert "committed 1 expired sessions (1 new memories)" in out.stdout
    out = asm(tmp_path, "gc")
    assert out.returncode == 0, out.stderr
    assert "committed 1 expired sessions (1 new memories)" in out.stdout  # b; a was done
    with MemoryClient(path=str(tmp_path)) as client:
        for ws in ("a", "b"):
            [memory] = client.list_memories(workspace_id=ws)
            assert memory.content == f"auth decision: JWT for {ws}"


def test_asm_call_runs_any_operation_of_the_registry(tmp_path: Path) -> None:
    def asm(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "agent_session_memory.cli", "--path", str(tmp_path), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    listed = asm("call", "--list").stdout
    assert all(name in listed for name in OPERATIONS)
    sid = json.loads(asm("-w", "ws", "call", "create_session", "ttl_seconds=60").stdout)["id"]
    assert asm("call", "set_context", f"session_id={sid}", "key=task", "value=ship").stdout == "1\n"
    body = json.dumps({"session_id": sid, "key": "n", "value": {"a": [1, 2]}})
    assert asm("call", "set_context", "--json", body).returncode == 0
    assert json.loads(asm("call", "get_context", f"session_id={sid}").stdout) == {
        "task": "ship",
        "n": {"a": [1, 2]},
    }
    bad = asm("call", "set_context", f"session_id={sid}", "key=n", "value=1", "expected_version=x")
    assert bad.returncode == 2 and bad.stderr.startswith("asm: invalid_input: expected_version")
