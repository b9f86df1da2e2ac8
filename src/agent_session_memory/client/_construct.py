"""Building a transport from a client's constructor arguments."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from ..config import Settings
from ..engine import Engine
from ..engine.core import LONGTERM_OPTIONS
from ..errors import ConfigurationError
from .transport import AsyncLocalTransport, AsyncTransport, LocalTransport, Transport

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


REMOTE_OPTIONS = frozenset({"timeout", "retries"})


def _remote(
    path: str | None, base_url: str | None, api_key: str | None, options: dict[str, Any]
) -> tuple[str, str | None, dict[str, Any]] | None:
    """``(url, key, options)`` when the client talks to a server, else None (embedded).

    ``base_url=`` wins; without it and without ``path=``, ``$AGENT_MEMORY_URL`` selects a server
    (and ``$AGENT_MEMORY_API_KEY`` its key).
    """
    if base_url is None and path is None:
        base_url = os.environ.get("AGENT_MEMORY_URL") or None
        if base_url is not None and api_key is None:
            api_key = os.environ.get("AGENT_MEMORY_API_KEY") or None
    if base_url is None:
        if api_key is not None:
            raise ConfigurationError("api_key only applies with base_url")
        return None
    if path is not None:
        raise ConfigurationError("give path= (embedded) or base_url= (remote), not both")
    unknown = set(options) - REMOTE_OPTIONS
    if unknown:
        raise ConfigurationError(f"options that do not apply to a remote client: {sorted(unknown)}")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigurationError(f"base_url must be http:// or https://, not {base_url!r}")
    return base_url, api_key, options


def _embedded_only(session_store_url: str | None, chroma_url: str | None) -> None:
    if session_store_url is not None or chroma_url is not None:
        raise ConfigurationError(
            "session_store_url and chroma_url configure an embedded engine; "
            "a remote client uses the server's stores"
        )


def _build(asynchronous: bool, path: str | None, base_url: str | None, api_key: str | None,
           workspace_id: str | None, session_store_url: str | None, chroma_url: str | None,
           options: dict[str, Any]) -> Any:  # fmt: skip
    """The one place that picks a transport; the two public builders only say which face."""
    remote = _remote(path, base_url, api_key, options)
    if remote is None:
        engine = _engine(path, workspace_id, session_store_url, chroma_url, options)
        return AsyncLocalTransport(engine) if asynchronous else LocalTransport(engine)
    _embedded_only(session_store_url, chroma_url)
    url, key, remote_options = remote
    if asynchronous:
        from .http_async import AsyncHTTPTransport

        return AsyncHTTPTransport(url, key, **remote_options)
    from .http_sync import HTTPTransport

    return HTTPTransport(url, key, **remote_options)


def build_transport(**kwargs: Any) -> Transport:
    """Keyword arguments of the client constructor: path, base_url, api_key, ... options."""
    return _build(False, **_split(kwargs))  # type: ignore[no-any-return]


def build_async_transport(**kwargs: Any) -> AsyncTransport:
    return _build(True, **_split(kwargs))  # type: ignore[no-any-return]


def _split(kwargs: dict[str, Any]) -> dict[str, Any]:
    named = ("path", "base_url", "api_key", "workspace_id", "session_store_url", "chroma_url")
    fixed = {name: kwargs.pop(name, None) for name in named}
    return {**fixed, "options": kwargs}
