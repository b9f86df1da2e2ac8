"""Building a transport from a client's constructor arguments."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..config import Settings
from ..engine import Engine
from ..engine.core import LONGTERM_OPTIONS
from ..errors import ConfigurationError
from .transport import AsyncLocalTransport, LocalTransport

_ENGINE_OPTIONS = LONGTERM_OPTIONS | {
    "clock",
    "session_store",
    "token_counter",
    "scorer",
    "fact_extractor",
    "summarizer",
}
_SETTINGS_FIELDS = frozenset(f.name for f in dataclasses.fields(Settings))


def _engine(
    path: str | None,
    workspace_id: str | None,
    session_store_url: str | None,
    chroma_url: str | None,
    options: dict[str, Any],
) -> Engine:
    engine = options.pop("engine", None)
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    settings = options.pop("settings", None)
    engine_options = {k: options.pop(k) for k in list(options) if k in _ENGINE_OPTIONS}
    unknown = set(options) - _SETTINGS_FIELDS
    if unknown:
        raise ConfigurationError(f"unknown client options: {sorted(unknown)}")
    if settings is None:
        settings = Settings.from_env(
            home=path,
            workspace_id=workspace_id,
            session_store_url=session_store_url,
            chroma_url=chroma_url,
            **options,
        )
    elif options:
        raise ConfigurationError(f"unexpected options with settings=: {sorted(options)}")
    return Engine(settings, **engine_options)


def _check_remote(base_url: str | None, api_key: str | None) -> None:
    if base_url is not None:
        raise ConfigurationError(
            "the HTTP transport is not part of this version yet; use the embedded client",
            base_url=base_url,
        )
    if api_key is not None:
        raise ConfigurationError("api_key only applies with base_url")


def build_transport(
    *,
    path: str | None,
    base_url: str | None,
    api_key: str | None,
    workspace_id: str | None,
    session_store_url: str | None,
    chroma_url: str | None,
    **options: Any,
) -> LocalTransport:
    _check_remote(base_url, api_key)
    return LocalTransport(_engine(path, workspace_id, session_store_url, chroma_url, options))


def build_async_transport(
    *,
    path: str | None,
    base_url: str | None,
    api_key: str | None,
    workspace_id: str | None,
    session_store_url: str | None,
    chroma_url: str | None,
    **options: Any,
) -> AsyncLocalTransport:
    _check_remote(base_url, api_key)
    return AsyncLocalTransport(_engine(path, workspace_id, session_store_url, chroma_url, options))
