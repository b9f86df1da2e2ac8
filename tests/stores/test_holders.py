"""Lease owners name their process; a lease is free when that process is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from agent_session_memory.stores.sessions import holders
from agent_session_memory.stores.sessions.base import SessionStore
from agent_session_memory.stores.sessions.holders import holder_gone, lease_owner
from agent_session_memory.stores.sessions.redis import RedisSessionStore

from .conftest import REDIS_URL, T0, drop_prefix, require_redis, unique_prefix

_OUT: dict[str, Any] = {"capture_output": True, "text": True, "check": True}


def test_this_process_holds_its_leases() -> None:
    owner = lease_owner()
    assert owner != lease_owner()  # one owner per lease taken
    assert owner.startswith(f"{os.getpid()}.")
    assert not holder_gone(owner)


def test_an_ended_process_is_gone() -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(child.stdout)
    mine = lease_owner()
    dead = f"{pid}." + mine.split(".", 1)[1]
    assert holder_gone(dead)


def test_a_reused_pid_is_not_the_same_holder() -> None:
    mine = lease_owner()
    start, rest = mine.split(".", 1)[1].split("@", 1)
    other_start = str(int(start or 0) + 1)
    assert holder_gone(f"{os.getpid()}.{other_start}@{rest}")


def test_owners_of_unknown_form_or_another_machine_are_never_judged_gone() -> None:
    mine = lease_owner()
    host_and_boot = mine.split("@", 1)[1]
    assert not holder_gone("a")
    assert not holder_gone("")
    assert not holder_gone(f"999999999.1@elsewhere/{host_and_boot.split('/', 1)[1]}")
    assert not holder_gone("999999999.1@" + host_and_boot.replace("/", "/other-boot-", 1))


# -- holders on other machines: judged by their heartbeat ------------------------------------
class _Beats:
    """Heartbeats kept in a set (the rule, without a store)."""

    def __init__(self, *processes: str) -> None:
        self.processes = set(processes)

    def beat(self, process: str, ttl_seconds: float) -> None:
        self.processes.add(process)

    def beating(self, process: str) -> bool:
        return process in self.processes


def test_another_machines_holder_is_gone_once_its_heartbeat_is_absent() -> None:
    elsewhere = "4242.1@elsewhere/other-boot"
    owner = f"{elsewhere}#ab"
    assert holders.process_of(owner) == elsewhere
    assert not holders.holder_gone(owner, _Beats(elsewhere))
    assert holders.holder_gone(owner, _Beats())
    assert not holders.holder_gone(owner)  # a store without heartbeats: the timeout alone
    assert not holders.holder_gone("a", _Beats())  # an owner of no known form: never


def test_on_this_machine_the_pid_decides_not_the_heartbeat() -> None:
    mine = lease_owner()
    assert not holders.holder_gone(mine, _Beats())  # alive, though it never beat
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], **_OUT)
    dead = f"{int(child.stdout)}." + mine.split(".", 1)[1]
    assert holders.holder_gone(dead, _Beats(holders.process_of(dead) or ""))


def test_a_lease_held_from_another_machine_is_free_once_its_heartbeat_expires(
    store_factory: Callable[[str], SessionStore],
) -> None:
    store = store_factory("redis")
    owner = "4242.1@elsewhere/other-boot#ab"
    store.beat(holders.process_of(owner), 0.5)  # type: ignore[attr-defined]
    assert store.acquire_lease("commit:s", owner, T0, 300)
    assert not store.acquire_lease("commit:s", "b", T0 + 1, 10)  # its heartbeat lives
    time.sleep(0.7)
    assert store.acquire_lease("commit:s", "b", T0 + 2, 10)  # long before T0 + 300


#: A child that takes a lease in Redis itself (so its own heartbeat keeps it), then sleeps.
_HOLDER = """
import sys, time
from agent_session_memory.stores.sessions import holders
from agent_session_memory.stores.sessions.redis import RedisSessionStore
holders.BEAT_TTL_SECONDS, holders.BEAT_EVERY_SECONDS = 1.0, 0.2
store = RedisSessionStore(sys.argv[1], prefix=sys.argv[2])
assert store.acquire_lease("commit:s", holders.lease_owner(), time.time(), 60)
print("held", flush=True)
time.sleep(120)
"""


def test_a_killed_holder_on_another_machine_loses_its_lease_within_the_heartbeat_ttl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_redis()
    prefix = unique_prefix()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    argv = [sys.executable, "-c", _HOLDER, REDIS_URL, prefix]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env)
    store = RedisSessionStore(REDIS_URL, prefix=prefix)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        monkeypatch.setattr(holders, "_host", lambda: "another-machine")  # no pid check from here
        deadline = time.monotonic() + 2.5  # 2.5 heartbeat TTLs: only a refreshed beat keeps it
        while time.monotonic() < deadline:
            assert not store.acquire_lease("commit:s", "b", time.time(), 10)
            time.sleep(0.25)
        child.send_signal(signal.SIGKILL)
        child.wait()
        killed = time.monotonic()
        while not store.acquire_lease("commit:s", "b", time.time(), 10):
            assert time.monotonic() - killed < 3.0, "still held after 3 heartbeat TTLs"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
        store.close()
        drop_prefix(prefix)


def test_a_forked_child_beats_for_itself_not_with_its_parents_thread(
    store_factory: Callable[[str], SessionStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(holders, "BEAT_TTL_SECONDS", 1.0)
    monkeypatch.setattr(holders, "BEAT_EVERY_SECONDS", 0.2)
    store: Any = store_factory("redis")
    assert store.acquire_lease("parent", lease_owner(), time.time(), 60)
    pid = os.fork()
    if pid == 0:  # the child: its own lease, its own heartbeat, still there after 2 TTLs
        code = 1
        try:
            assert store.acquire_lease("child", lease_owner(), time.time(), 60)
            time.sleep(2.0)
            code = 0 if store.beating(holders.this_process()) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store.beating(holders.this_process())  # the parent's thread beats on
