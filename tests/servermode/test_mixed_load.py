"""Four server processes under mixed load on Redis + a Chroma server + PostgreSQL: every
acknowledged write reads back, the shared counter is exact, racing commits of one fact make one
memory, and each expired session is committed once (by whichever process's sweep got it).

``ASM_SOAK_SECONDS`` sets the load's length (default 10 s; the issue's soak is 60 s)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from agent_session_memory import MemoryClient

from ..live_server import serve_process

SECONDS = float(os.environ.get("ASM_SOAK_SECONDS", "10"))
THREADS = 6
FACTS = {  # working-memory key -> value; the same three facts in many sessions
    "staging": "The staging database is restored every Sunday night",
    "releases": "Release notes are written by the on-call engineer",
    "flags": "Feature flags are cleaned up after two sprints",
}


class Tally:
    """What the load was told succeeded (acknowledged), per kind."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.increments = 0
        self.remembered: dict[str, str] = {}
        self.expiring: list[str] = []
        self.keys: set[str] = set()
        self.errors: list[BaseException] = []

    def increment(self) -> None:
        with self.lock:
            self.increments += 1

    def remembered_one(self, memory_id: str, content: str) -> None:
        with self.lock:
            self.remembered[memory_id] = content

    def expiring_one(self, session_id: str, key: str) -> None:
        with self.lock:
            self.expiring.append(session_id)
            self.keys.add(key)


def load(url: str, ws: str, counter_sid: str, tally: Tally, stop: float, n: int) -> None:
    try:
        load_until(url, ws, counter_sid, tally, stop, n)
    except BaseException as exc:  # a failed thread fails the test, not only a warning
        tally.errors.append(exc)
        raise


def load_until(url: str, ws: str, counter_sid: str, tally: Tally, stop: float, n: int) -> None:
    with MemoryClient(base_url=url, workspace_id=ws, timeout=60) as client:
        i = 0
        while time.monotonic() < stop:
            client.update_context(counter_sid, "count", lambda v: (v or 0) + 1)
            tally.increment()
            text = f"Worker {n} noted item {i}, tagged {uuid.uuid4().hex}"
            tally.remembered_one(client.remember(text, importance=0.6).id, text)
            sid = client.create_session(ttl_seconds=600).id
            key = list(FACTS)[i % len(FACTS)]
            client.set_context(sid, key, FACTS[key], importance=0.9)
            client.touch_session(sid, ttl_seconds=1)  # expires in a second: the sweep's work
            tally.expiring_one(sid, key)
            client.recall(FACTS[key], k=5)
            i += 1


def test_four_processes_of_mixed_load_lose_and_duplicate_nothing(
    tmp_path: Path, server_env: dict[str, str]
) -> None:
    ws = f"ws{uuid.uuid4().hex[:8]}"
    env = {**server_env, "AGENT_MEMORY_WORKSPACE": ws}
    with (
        serve_process(tmp_path, "--open", "--workers", "4", "--sweep-interval", "1", env=env) as (
            url,
            _,
        ),
        MemoryClient(base_url=url, workspace_id=ws, timeout=60) as client,
    ):
        counter = client.create_session(ttl_seconds=3600).id
        tally = Tally()
        stop = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=load, args=(url, ws, counter, tally, stop, n))
            for n in range(THREADS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(SECONDS + 300)
        assert not any(t.is_alive() for t in threads)
        assert tally.errors == []
        assert tally.increments > 0 and tally.expiring

        assert client.get_context(counter, "count") == tally.increments
        for memory_id, content in tally.remembered.items():
            assert client.get_memory(memory_id).content == content

        deadline = time.monotonic() + 60  # the background sweeps commit the expired sessions
        committed: Counter[str] = Counter()
        while time.monotonic() < deadline:
            events = client.list_events(types="session_committed")
            committed = Counter(e.session_id for e in events if e.session_id)
            if all(committed[sid] for sid in tally.expiring):
                break
            time.sleep(1)
        assert {sid: committed[sid] for sid in tally.expiring} == dict.fromkeys(tally.expiring, 1)
        live = client.list_memories(limit=10_000)
        contents = Counter(m.content for m in live)
        assert [c for c, k in contents.items() if k > 1] == []
        used = {key: FACTS[key] for key in tally.keys}
        for key, fact in used.items():  # one memory per fact, however many sessions held it
            assert contents[f"{key}: {fact}"] == 1
        assert len(live) == len(tally.remembered) + len(used)
