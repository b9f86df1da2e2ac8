"""Who holds a lease, and whether that holder is gone: leases die with their process.

A lease's owner string names its holder: ``pid.start@host/boot#token``; the part before ``#`` is
the holder's *process*. The rule, written once here (the stores only call :func:`holder_gone`):

- a holder of this machine and boot is gone when its process no longer exists (or is a zombie, or
  is a new process that reused the pid): checked in ``/proc``, at once;
- any other holder (another machine, or this one before a reboot) is gone when the store keeps
  heartbeats (:class:`~.base.Heartbeats`: the shared Redis store does) and that process's
  heartbeat record is absent. A process writes its heartbeat before its first lease and a
  :class:`Pulse` thread refreshes it every :data:`BEAT_EVERY_SECONDS` until the store is closed,
  so a crashed holder's leases are free within :data:`BEAT_TTL_SECONDS`;
- owners in any other form, or of another machine in a store without heartbeats (memory and
  SQLite, which serve one machine), are judged by their timeout alone.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import uuid
from functools import lru_cache
from pathlib import Path

from .base import Heartbeats

#: How long a heartbeat record lives, and how often its process refreshes it.
BEAT_TTL_SECONDS = 10.0
BEAT_EVERY_SECONDS = 3.0

_OWNER = re.compile(r"^((\d+)\.(\d*)@([^/#]*)/([^#]*))#[0-9a-f]+$")
log = logging.getLogger("agent_session_memory.leases")


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


def this_process() -> str:
    """This process as lease owners name it: ``pid.start@host/boot``."""
    pid = os.getpid()
    return f"{pid}.{_start_time(pid)}@{_host()}/{_boot_id()}"


def lease_owner() -> str:
    """A fresh owner string for this process (one per lease taken)."""
    return f"{this_process()}#{uuid.uuid4().hex}"


def process_of(owner: str) -> str | None:
    """The process an owner string names (None: not an owner of that form)."""
    found = _OWNER.match(owner)
    return None if found is None else found.group(1)


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


def holder_gone(owner: str, heartbeats: Heartbeats | None = None) -> bool:
    """True when ``owner`` names a process known to have ended: one of this machine and boot
    that no longer runs, or (given the store's ``heartbeats``) any other whose heartbeat is
    absent."""
    found = _OWNER.match(owner)
    if found is None:
        return False
    process, pid, start, host, boot = found.groups()
    if host == _host() and boot == _boot_id() and boot:
        return _process_gone(int(pid), start)
    return heartbeats is not None and not heartbeats.beating(process)


class Pulse:
    """This process's heartbeat in one store: written before the process's first lease there,
    then refreshed by a daemon thread until :meth:`close`. A forked child starts its own."""

    def __init__(self, heartbeats: Heartbeats) -> None:
        self._heartbeats = heartbeats
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def keep(self, owner: str) -> None:
        """Before a lease is taken for ``owner``: if it names this process, make sure it beats."""
        process = this_process()
        if process_of(owner) != process:
            return
        with self._lock:
            alive = self._thread is not None and self._thread.is_alive()
            if (alive and self._pid == os.getpid()) or self._stop.is_set():
                return
            self._pid = os.getpid()
            self._heartbeats.beat(process, BEAT_TTL_SECONDS)  # before the lease, not after
            self._thread = threading.Thread(
                target=self._run, args=(process,), name="asm-lease-heartbeat", daemon=True
            )
            self._thread.start()

    def _run(self, process: str) -> None:
        failing = False
        while not self._stop.wait(BEAT_EVERY_SECONDS):
            try:
                self._heartbeats.beat(process, BEAT_TTL_SECONDS)
                failing = False
            except Exception as exc:  # keep trying: the store may come back
                if not failing:
                    log.warning("lease heartbeat failed (other hosts may take our leases): %s", exc)
                failing = True

    def close(self) -> None:
        """Stop beating; the record expires by itself (another store object of this process
        may still be beating the same record)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(BEAT_EVERY_SECONDS)


__all__ = [
    "BEAT_EVERY_SECONDS",
    "BEAT_TTL_SECONDS",
    "Pulse",
    "holder_gone",
    "lease_owner",
    "process_of",
    "this_process",
]
