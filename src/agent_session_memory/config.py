"""Settings: where things live and which limits apply. Environment variables fill the defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .languages import LexicalLanguages
from .limits import Limits

DEFAULT_HOME = "~/.agent-session-memory"
#: A ``lexical_url`` with one of these selects server mode's PostgreSQL.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def default_home() -> Path:
    return Path(os.environ.get("AGENT_MEMORY_HOME", DEFAULT_HOME)).expanduser()


@dataclass(slots=True)
class Settings:
    """Everything the engine needs to start.

    ``home``: the embedded memory home (SQLite file, embedded Chroma, lexical index).
    ``session_store_url``: ``memory://``, ``sqlite:///path`` or ``redis://host:port/db``
    (default: ``sqlite:///<home>/sessions.db``).
    ``chroma_url``: a Chroma server (``http://host:port``); default: embedded under ``home``.
    ``expired_retention_seconds``: how long an expired session's data is kept for the auto-commit
    sweep before a store may drop it.
    ``lock_timeout_seconds``: how long a write waits for the writers' lock held by another
    process (the embedded vector index's file lock, or PostgreSQL's advisory lock in server mode)
    before a typed error names that process (``AGENT_MEMORY_LOCK_TIMEOUT``).
    ``event_retention_days``: activity-log events older than this are dropped by ``asm gc``
    (``AGENT_MEMORY_EVENT_RETENTION_DAYS``; ``None`` keeps every event).
    ``lexical_languages``: the stemming language of each workspace's server-mode lexical index
    (``languages.py``; ``AGENT_MEMORY_LEXICAL_LANGUAGE``, ``AGENT_MEMORY_WORKSPACE_LANGUAGES``).
    ``embedder``: ``"package.module:name"``, an embedding function (or a class made
    with no arguments) to use instead of the default model, so that every entry point of a home
    (``asm serve``, ``asm mcp``, ``asm repair``) embeds alike (``AGENT_MEMORY_EMBEDDER``).
    """

    home: Path = field(default_factory=default_home)
    workspace_id: str = "default"
    session_store_url: str | None = None
    chroma_url: str | None = None
    lexical_url: str | None = None
    auto_commit: bool = True
    default_ttl_seconds: float = 3600
    expired_retention_seconds: float = 7 * 24 * 3600
    token_encoding: str = "o200k_base"
    embedding_model_path: str | None = None
    embedder: str | None = None
    limits: Limits = field(default_factory=Limits)
    lock_timeout_seconds: float = 30.0
    event_retention_days: float | None = 90.0
    lexical_languages: LexicalLanguages = field(default_factory=LexicalLanguages)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        env = os.environ
        values: dict[str, Any] = {
            "session_store_url": env.get("AGENT_MEMORY_SESSION_STORE_URL"),
            "chroma_url": env.get("AGENT_MEMORY_CHROMA_URL"),
            "lexical_url": env.get("AGENT_MEMORY_LEXICAL_URL"),
            "embedding_model_path": env.get("AGENT_MEMORY_EMBEDDING_MODEL"),
            "embedder": env.get("AGENT_MEMORY_EMBEDDER") or None,
        }
        if "AGENT_MEMORY_WORKSPACE" in env:
            values["workspace_id"] = env["AGENT_MEMORY_WORKSPACE"]
        language, by_workspace = (
            env.get("AGENT_MEMORY_LEXICAL_LANGUAGE"),
            env.get("AGENT_MEMORY_WORKSPACE_LANGUAGES"),
        )
        if language or by_workspace:
            values["lexical_languages"] = LexicalLanguages.parse(language, by_workspace)
        if "AGENT_MEMORY_TOKEN_ENCODING" in env:
            values["token_encoding"] = env["AGENT_MEMORY_TOKEN_ENCODING"]
        values.update(_reliability_env(env))
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "home" in values:
            values["home"] = Path(values["home"]).expanduser()
        return cls(**values)

    def postgres_url(self) -> str | None:
        """The lexical URL when it names PostgreSQL (server mode: rows, lexical index and API
        keys live there), else None."""
        url = self.lexical_url
        return url if url is not None and url.startswith(POSTGRES_SCHEMES) else None

    def resolved_session_store_url(self) -> str:
        return self.session_store_url or f"sqlite:///{self.home / 'sessions.db'}"


def _reliability_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The lock wait and the event retention from the environment (numbers; ``none`` keeps all)."""
    from .errors import ConfigurationError

    out: dict[str, Any] = {}
    for name, option in (
        ("AGENT_MEMORY_LOCK_TIMEOUT", "lock_timeout_seconds"),
        ("AGENT_MEMORY_EVENT_RETENTION_DAYS", "event_retention_days"),
    ):
        raw = env.get(name)
        if raw is None or raw == "":
            continue
        if option == "event_retention_days" and raw.lower() == "none":
            out[option] = None
            continue
        try:
            out[option] = float(raw)
        except ValueError:
            raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    return out
