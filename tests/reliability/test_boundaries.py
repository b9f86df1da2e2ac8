"""The untyped errors and silent coercions issue 21 found, one by one, embedded (the engine's
boundary) and at the ``asm`` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.cli.main import main
from agent_session_memory.errors import InvalidInput

LONE = "\ud800"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[MemoryClient]:
    with MemoryClient(path=str(tmp_path / "home")) as c:
        yield c


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c, s: c.set_context(s, "k" + LONE, 1), "key"),
        (lambda c, s: c.set_context(s, "k", {"v": LONE}), "value"),
        (lambda c, s: c.set_context(s, "k", {LONE: 1}), "value"),
        (lambda c, s: c.add_messages(s, [{"role": "user", "content": LONE}]), "messages"),
        (lambda c, s: c.remember("x" + LONE), "content"),
        (lambda c, s: c.remember("x", tags=[LONE]), "tags"),
        (lambda c, s: c.remember("x", metadata={"m": LONE}), "metadata"),
        (lambda c, s: c.recall("q" + LONE), "query"),
        (lambda c, s: c.recall("q", tags=LONE), "tags"),
        (lambda c, s: c.set_context(s, "k", 1, expected_version=2**70), "expected_version"),
        (lambda c, s: c.list_memories(offset=2**70), "offset"),
        (lambda c, s: c.set_context(s, "k", {1: "a"}), "value"),
        (lambda c, s: c.set_context(s, "k", {1: "a", "1": "b"}), "value"),
        (lambda c, s: c.create_session(auto_commit="no"), "auto_commit"),
        (lambda c, s: c.end_session(s, commit="yes"), "commit"),
        (lambda c, s: c.list_sessions(status="bogus"), "status"),
        (lambda c, s: c.get_messages(s, status=["active"]), "status"),
    ],
)
def test_hostile_input_is_refused_by_name_and_changes_nothing(
    client: MemoryClient, call: Any, field: str
) -> None:
    session = client.create_session(ttl_seconds=60)
    client.set_context(session.id, "k", "before")
    with pytest.raises(InvalidInput) as info:
        call(client, session.id)
    assert info.value.details.get("field") == field, info.value.message
    assert client.get_context(session.id) == {"k": "before"}
    assert client.get_session(session.id).status.value == "active"
    assert client.list_memories() == []
    assert [s.id for s in client.list_sessions()] == [session.id]


# -- the command line --------------------------------------------------------------------------
def _asm(home: Path, *args: str) -> int:
    return main(["--path", str(home), *args])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"id": "a", "content": "x"}\n{not json\n', "line 2 is not JSON"),
        (b'{"id": "a", "content": NaN}\n', "line 1 is not JSON"),
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b'{"id": "a", "content": "x"}\n{"id": "a", "content": "y"}\n', "appears twice"),
    ],
)
def test_bad_import_files_are_reported_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, needle: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    assert _asm(tmp_path / "home", "import", str(path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("asm: invalid_input: ") and needle in err
    with MemoryClient(path=str(tmp_path / "home")) as client:
        assert client.list_memories() == []


def test_a_missing_import_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _asm(tmp_path / "home", "import", str(tmp_path / "nope.jsonl")) == 2
    assert "asm: invalid_input: " in capsys.readouterr().err


def test_a_bom_is_not_content(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes("\ufeff".encode() + json.dumps({"id": "a", "content": "x"}).encode())
    assert _asm(tmp_path / "home", "import", str(path)) == 0
    with MemoryClient(path=str(tmp_path / "home")) as client:
        assert client.get_memory("a").content == "x"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="this system has no /dev/full")
def test_a_full_disk_on_export_is_reported_not_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with MemoryClient(path=str(home)) as client:
        client.import_workspace([{"id": "a", "content": "x"}])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for args, stdout in ((["export", "/dev/full"], None), (["export"], "/dev/full")):
        with open(stdout or os.devnull, "w") as out:
            done = subprocess.run(
                [sys.executable, "-m", "agent_session_memory.cli", "--path", str(home), *args],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                timeout=120,
            )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("asm: io_error: ") and "Traceback" not in done.stderr
