"""A test hook: a process kills itself (SIGKILL) at a named step of a write.

Crash-recovery tests need the kill to land exactly between two steps of the write protocol, not
at a random moment. ``AGENT_MEMORY_CRASH_AT=<step>`` in a child process's environment makes
``reached(<step>)`` kill that process; unset (always, outside tests), ``reached`` compares one
``None`` and returns. The environment is read once, at import.

Steps (named by what is durable when the process dies): ``write.rows_staged`` and
``write.before_events`` on a write's own path, ``write.vectors_indexed`` and ``write.done`` behind
the index queue (the long-term write protocol, ``engine/longterm/writer.py``);
``commit.memories_written`` (a commit's memories are written, the session is not marked committed
yet); ``import.rows_staged`` (``engine/longterm/crud.py``; an import then indexes through the
``write.*`` steps).
"""

from __future__ import annotations

import os
import signal

ENV = "AGENT_MEMORY_CRASH_AT"
STEPS = (
    "write.rows_staged",
    "write.vectors_indexed",
    "write.done",
    "write.before_events",
    "commit.memories_written",
    "import.rows_staged",
)

_CRASH_AT = os.environ.get(ENV) or None


def reached(step: str) -> None:
    """Die here, at once and without cleanup, if the environment asked for this step."""
    if _CRASH_AT is not None and step == _CRASH_AT:
        os.kill(os.getpid(), signal.SIGKILL)


__all__ = ["ENV", "STEPS", "reached"]
