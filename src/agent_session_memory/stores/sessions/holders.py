"""Who holds a lease, and whether that holder is gone: leases die with their process.

A lease's owner string names its holder: ``pid.start@host/boot#token``. A lease whose holder ran
on this machine since its last boot and whose process no longer exists (or is a zombie, or is a
new process that reused the pid) is free at once: a killed committer or sweeper does not stall
the others until its lease times out. Owners in any other form (or from another machine, where
nothing can be checked) are judged by their timeout alone.
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from functools import lru_cache
from pathlib import Path

_OWNER = re.compile(r"^(\d+)\.(\d*)@([^/#]*)/([^#]*)#[0-9a-f]+$")


@lru_cache(maxsize=1)
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


@lru_cache(maxsize=1)
def _host() -> str:
    return socket.gethostname().replace("/", "_").replace("#", "_").replace("@", "_")


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) from ``/proc/<pid>/stat``; None when the process does not exist or
    ``/proc`` cannot tell (then ``start`` is empty)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return ("?", "")
    fields = text[text.rfind(")") + 2 :].split()  # the name may hold spaces and parentheses
    return (fields[0], fields[19]) if len(fields) > 19 else ("?", "")


def _start_time(pid: int) -> str:
    stat = _stat(pid)
    return "" if stat is None else stat[1]


def lease_owner() -> str:
    """A fresh owner string for this process (one per lease taken)."""
    pid = os.getpid()
    return f"{pid}.{_start_time(pid)}@{_host()}/{_boot_id()}#{uuid.uuid4().hex}"


def _process_gone(pid: int, start: str) -> bool:
    if os.path.isdir("/proc/self"):
        stat = _stat(pid)
        if stat is None:
            return True
        state, started = stat
        return state in {"Z", "X"} or bool(start and started and started != start)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists, owned by someone else
    return False


def holder_gone(owner: str) -> bool:
    """True only when ``owner`` names a process of this machine and boot that has ended."""
    found = _OWNER.match(owner)
    if found is None:
        return False
    pid, start, host, boot = found.groups()
    if host != _host() or boot != _boot_id() or not boot:
        return False
    return _process_gone(int(pid), start)


__all__ = ["holder_gone", "lease_owner"]
