"""The server's own settings (the engine's are ``config.Settings``); flags and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """``open_mode``: no API key needed, loopback only. ``sweep_interval``: seconds between
    background auto-commit sweeps (0 turns them off)."""

    open_mode: bool = False
    max_body_bytes: int = 16 * 2**20
    max_import_bytes: int = 256 * 2**20
    body_timeout: float = 30.0
    sweep_interval: float = 60.0

    @classmethod
    def from_env(cls, **overrides: object) -> ServerSettings:
        env = os.environ
        values: dict[str, object] = {}
        if env.get("AGENT_MEMORY_OPEN") in ("1", "true", "yes"):
            values["open_mode"] = True
        if "AGENT_MEMORY_SWEEP_INTERVAL" in env:
            values["sweep_interval"] = float(env["AGENT_MEMORY_SWEEP_INTERVAL"])
        if "AGENT_MEMORY_MAX_BODY_BYTES" in env:
            values["max_body_bytes"] = int(env["AGENT_MEMORY_MAX_BODY_BYTES"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
