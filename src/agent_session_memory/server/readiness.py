"""``/ready``: each backend is asked something cheap; a failure names the backend, not a secret."""

from __future__ import annotations

from collections.abc import Callable

from ..engine import Engine

PROBE_SESSION = "0" * 32  # a well-formed id no session has


def check_ready(engine: Engine) -> dict[str, str]:
    """``{backend: why it failed}``; empty when every backend answered."""
    probes: dict[str, Callable[[], object]] = {
        "sessions": lambda: engine.store.get_session(PROBE_SESSION),
        "long_term": lambda: engine.memories.list_memories(limit=1),
        "vectors": lambda: _vectors(engine),
    }
    failures: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            probe()
        except Exception as exc:  # any failure means not ready; its type says enough
            failures[name] = type(exc).__name__
    return failures


def _vectors(engine: Engine) -> object:
    """The vector index (embedded Chroma or a Chroma server): its collections are listed, which
    reaches the server and creates nothing. A store without Chroma has nothing more to ask."""
    chroma = getattr(engine.longterm.store, "chroma", None)
    return None if chroma is None else chroma.workspaces()
