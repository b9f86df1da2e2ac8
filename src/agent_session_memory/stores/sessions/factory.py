"""Open a session store from its URL: ``memory://``, ``sqlite:///path``, ``redis://host:port/db``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from ...errors import BackendUnavailable, ConfigurationError
from .base import SessionStore

DEFAULT_RETENTION_SECONDS = 7 * 24 * 3600.0


def open_session_store(
    url: str, *, retention_seconds: float = DEFAULT_RETENTION_SECONDS
) -> SessionStore:
    """The store a URL names. ``sqlite:///abs/path`` is absolute, ``sqlite:///rel`` relative to
    the working folder (as SQLAlchemy reads it); ``redis://...?prefix=name`` isolates key spaces.
    A Redis that does not answer fails here, with ``BackendUnavailable``, not on first use."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "memory":
        from .memory import MemorySessionStore

        return MemorySessionStore()
    if scheme == "sqlite":
        from .sqlite import SQLiteSessionStore

        return SQLiteSessionStore(_sqlite_path(url))
    if scheme in ("redis", "rediss"):
        return _open_redis(url, retention_seconds)
    raise ConfigurationError(
        f"unknown session store URL {url!r}: use memory://, sqlite:///path or redis://host:port/db",
        url=url,
    )


def _sqlite_path(url: str) -> Path:
    """``sqlite:////abs`` and ``sqlite:///abs`` both reach ``/abs`` when the rest is absolute."""
    rest = url.split(":", 1)[1]
    if not rest.startswith("//") or len(rest) <= 3:
        raise ConfigurationError(f"SQLite URL {url!r} must look like sqlite:///path/to/file.db")
    path = rest[3:] if rest.startswith("///") else rest[2:]
    return Path(path).expanduser()


def _open_redis(url: str, retention_seconds: float) -> SessionStore:
    """Connect and ping, so a wrong URL or a stopped server is reported at start-up."""
    from .redis import RedisSessionStore

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    prefix = query.pop("prefix", ["asm"])[0]
    rest = "&".join(f"{k}={v}" for k, values in query.items() for v in values)
    clean = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment))
    store = RedisSessionStore(clean, retention_seconds=retention_seconds, prefix=prefix)
    try:
        store.ping()
    except BackendUnavailable:
        store.close()
        raise
    return store
