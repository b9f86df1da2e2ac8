"""The application as ``asm serve`` runs it: everything from the environment, in each worker.

uvicorn imports ``app_from_env`` in every worker process (``--workers N``), so the CLI passes its
flags down as environment variables and each process opens the same stores.
"""

from __future__ import annotations

import sys

from fastapi import FastAPI

from ..config import Settings
from ..engine import Engine
from .app import create_app
from .keys import open_keys
from .settings import ServerSettings


def app_from_env() -> FastAPI:
    settings = Settings.from_env()
    server = ServerSettings.from_env()
    keys = None if server.open_mode else open_keys(settings)
    if keys is not None:
        print(f"asm serve: API keys in {keys.where}", file=sys.stderr)  # which store won
    return create_app(Engine(settings), keys, server)
