"""Fault injection: a full disk (a small tmpfs, where the machine lets us mount one) and kill -9
inside the write path. What the user sees, and what is kept."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.cli.main import main
from agent_session_memory.errors import BackendUnavailable


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 24 MiB tmpfs. Mounting needs root (CAP_SYS_ADMIN): elsewhere the test says it skips."""
    folder = Path(tempfile.mkdtemp(prefix="asm-full-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_refuses_writes_typed_keeps_reads_and_loses_nothing(small_disk: Path) -> None:
    home = small_disk / "home"
    with MemoryClient(path=str(home)) as client:
        session = client.create_session(ttl_seconds=3600)
        client.set_context(session.id, "k", "before")
        client.remember("We chose JWT for auth")
        filler = _fill(small_disk)
        writes = [
            lambda: client.set_context(session.id, "k", "x" * 200_000),
            lambda: client.add_messages(session.id, [{"role": "user", "content": "y" * 100_000}]),
            lambda: client.remember("another memory " * 300),
            lambda: client.import_workspace(
                [{"id": f"i{i}", "content": "imported " * 200} for i in range(20)]
            ),
        ]
        for write in writes:
            with pytest.raises(BackendUnavailable) as info:
                write()
            assert info.value.details["reason"] == "disk_full"
        assert client.get_context(session.id) == {"k": "before"}  # reads go on
        assert [m.content for m in client.list_memories()] == ["We chose JWT for auth"]
        filler.unlink()
        client.set_context(session.id, "k", "after")  # the same client recovers
        client.remember("a memory written once space came back")
        hits = client.recall("once space came back", k=2)
        assert hits[0].memory.content == "a memory written once space came back"
        assert len(client.list_memories()) == 2
    assert main(["--path", str(home), "doctor"]) == 0


WRITER = textwrap.dedent("""
    import sys
    from agent_session_memory import MemoryClient
    home, start = sys.argv[1], int(sys.argv[2])
    with MemoryClient(path=home) as client:
        session = client.create_session(ttl_seconds=3600)
        print(session.id, flush=True)
        for i in range(start, start + 10_000):
            client.remember(f"acknowledged memory number {i}", tags=["load"])
            client.set_context(session.id, f"k{i}", i)
            print(i, flush=True)  # acknowledged: both calls returned
""")


def _round(home: Path, starts: list[int], rng: random.Random) -> dict[str, list[int]]:
    """Writers at once, each killed (-9) at a random moment once it writes; what each acked, by
    the session it wrote its working memory in."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), str(start)],
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for start in starts
    ]
    acknowledged: dict[str, list[int]] = {}
    for child in children:
        assert child.stdout is not None
        session_id = child.stdout.readline().strip()
        first = child.stdout.readline()  # the model is loaded and writes are flowing
        assert session_id and first.strip(), "a writer did not start"
        acknowledged[session_id] = [int(first)]
    for child in rng.sample(children, len(children)):
        time.sleep(rng.uniform(0.1, 0.8))
        child.send_signal(signal.SIGKILL)
    for session_id, child in zip(acknowledged, children, strict=True):
        # read() keeps what readline() buffered; communicate() would drop it
        assert child.stdout is not None
        acknowledged[session_id] += [int(line) for line in child.stdout.read().split()]
        child.wait(timeout=60)
    return acknowledged


def test_kill_9_under_load_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """Six processes writing one home, killed one by one at random moments."""
    home = tmp_path / "home"
    by_session = _round(home, [n * 100_000 for n in range(6)], random.Random(21))
    acknowledged = [i for numbers in by_session.values() for i in numbers]
    with MemoryClient(path=str(home)) as client:
        contents = [m.content for m in client.list_memories(limit=10_000)]
        for i in acknowledged:
            assert contents.count(f"acknowledged memory number {i}") == 1, i
        extra = sorted(set(contents) - {f"acknowledged memory number {i}" for i in acknowledged})
        assert len(extra) <= 6, (extra, sorted(acknowledged))  # at most one per kill
        for session_id, numbers in by_session.items():  # and every acknowledged context write
            context = client.get_context(session_id)
            assert {f"k{i}": i for i in numbers}.items() <= context.items(), session_id
            assert len(context) <= len(numbers) + 1, session_id  # at most one unacknowledged
        client.remember("a write after the crashes finishes their pending rows")
    assert main(["--path", str(home), "doctor"]) == 0


# -- Redis out of memory -----------------------------------------------------------------------
@pytest.fixture
def tiny_redis(tmp_path: Path) -> Iterator[str]:
    """A private redis-server capped at 2 MiB (the shared one must not be starved)."""
    import shutil
    import socket

    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: run scripts/ensure_redis_server.sh")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--maxmemory", "2mb", "--maxmemory-policy", "noeviction",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.kill()
        server.wait()


def test_redis_out_of_memory_is_a_typed_error_and_reads_go_on(
    tiny_redis: str, tmp_path: Path
) -> None:
    from agent_session_memory.config import Settings

    settings = Settings(home=tmp_path / "home", session_store_url=tiny_redis)
    with MemoryClient(settings=settings) as client:
        session = client.create_session(ttl_seconds=3600)
        client.set_context(session.id, "k", "before")
        with pytest.raises(BackendUnavailable) as info:
            for i in range(10_000):
                client.set_context(session.id, f"big{i}", "x" * 100_000)
        assert info.value.details["reason"] == "out_of_memory"
        assert client.get_context(session.id, "k") == "before"
