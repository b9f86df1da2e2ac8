"""Named crash points of the write protocol, for tests that kill a process at an exact step.

``AGENT_MEMORY_CRASH_AT=<step>`` makes the process SIGKILL itself when it reaches ``step`` (no
cleanup, no ``finally``: what ``kill -9`` or a power cut leaves). Unset, a crash point costs one
dictionary lookup. Steps are named for the write they follow (see ``writer.py``).
"""

from __future__ import annotations

import os
import signal

ENV = "AGENT_MEMORY_CRASH_AT"


def crash_point(step: str) -> None:
    """Die here, at once, if the environment names this step."""
    if os.environ.get(ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


__all__ = ["ENV", "crash_point"]
