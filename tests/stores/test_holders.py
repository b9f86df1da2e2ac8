"""Lease owners name their process; a lease is free when that process is gone."""

from __future__ import annotations

import os
import subprocess
import sys

from agent_session_memory.stores.sessions.holders import holder_gone, lease_owner


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
