"""The application as ``asm serve`` runs it: everything from the environment, in each worker.

uvicorn imports ``app_from_env`` in every worker process (``--workers N``), so the CLI passes its
flags down as environment variables and each process opens the same stores.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from ..config import Settings
from ..engine import Engine
from .app import create_app
from .keys import KeyStore
from .settings import ServerSettings


def keys_path(settings: Settings) -> Path:
    return Path(os.environ.get("AGENT_MEMORY_KEYS_DB") or settings.home / "keys.db")


def app_from_env() -> FastAPI:
    settings = Settings.from_env()
    server = ServerSettings.from_env()
    keys = None if server.open_mode else KeyStore(keys_path(settings), settings.limits)
    return create_app(Engine(settings), keys, server)
