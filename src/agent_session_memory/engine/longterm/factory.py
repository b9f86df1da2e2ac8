"""Wiring: the store and the embedder a memory home (or a Chroma server) asks for."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ...config import POSTGRES_SCHEMES, Settings
from ...embeddings import Embedder, MiniLMEmbedder, as_embedder
from ...errors import ConfigurationError
from ...stores.longterm.base import LongTermStore
from ...stores.longterm.chroma import ChromaStore
from ...stores.longterm.sqlite_chroma import ChromaSqliteStore
from .home_check import check_home


def lexical_path(settings: Settings) -> Path:
    """Where the canonical rows and FTS5 index live (``<home>/memories.db`` by default)."""
    url = settings.lexical_url
    if url is None:
        return settings.home / "memories.db"
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    raise ConfigurationError(
        f"lexical_url {url!r} is not supported (sqlite:///path or postgresql://...); recall will "
        "not fall back to dense-only silently, so fix the setting or unset AGENT_MEMORY_LEXICAL_URL"
    )


def open_store(settings: Settings) -> LongTermStore:
    """Rows + lexical index in SQLite (FTS5) or PostgreSQL (server mode, by ``lexical_url``);
    vectors in embedded Chroma under the home, or a Chroma server."""
    postgres = settings.lexical_url is not None and settings.lexical_url.startswith(
        POSTGRES_SCHEMES
    )
    if not settings.chroma_url and not postgres:
        check_home(lexical_path(settings), settings.home / "chroma")
    chroma = (
        ChromaStore(url=settings.chroma_url)
        if settings.chroma_url
        else ChromaStore(settings.home / "chroma", lock_timeout=settings.lock_timeout_seconds)
    )
    url = settings.lexical_url
    if url is not None and url.startswith(POSTGRES_SCHEMES):
        from ...stores.longterm.postgres_chroma import PostgresChromaStore

        try:
            return PostgresChromaStore(
                url,
                chroma,
                lock_timeout=settings.lock_timeout_seconds,
                languages=settings.lexical_languages,
            )
        except BaseException:
            chroma.close()
            raise
    try:
        return ChromaSqliteStore(lexical_path(settings), chroma)
    except BaseException:
        chroma.close()
        raise


def open_embedder(settings: Settings, embedding_function: Any = None) -> Embedder:
    """The user's embedding function, wrapped; else the one the settings name
    (``embedder``); else MiniLM (model files found offline)."""
    if embedding_function is not None:
        return as_embedder(embedding_function)
    if settings.embedder is not None:
        return as_embedder(load_embedding_function(settings.embedder))
    return MiniLMEmbedder(settings.embedding_model_path)


def load_embedding_function(spec: str) -> Any:
    """``"package.module:name"`` imported; a class is made with no arguments."""
    module_name, _, attribute = spec.partition(":")
    try:
        if not module_name or not attribute:
            raise ValueError("expected package.module:name")
        found: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            found = getattr(found, part)
        return found() if isinstance(found, type) else found
    except Exception as exc:
        raise ConfigurationError(
            f"embedder {spec!r} (AGENT_MEMORY_EMBEDDER) cannot be loaded: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
