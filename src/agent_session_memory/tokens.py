"""Token counting with tiktoken, loaded offline.

tiktoken downloads encodings on first use; we never let it. The encoding file is read from
``TIKTOKEN_CACHE_DIR`` if set, else from llama-index-core's bundled cache (found on disk, not
imported). Anything else is a clear error that says how to fix it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from .errors import ConfigurationError, MissingExtra

TokenCounter = Callable[[str], int]

_ENCODING_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
_env_lock = threading.Lock()


def _cache_file_name(encoding: str) -> str:
    return hashlib.sha1(_ENCODING_URL.format(name=encoding).encode()).hexdigest()


def _llama_index_cache() -> Path | None:
    spec = importlib.util.find_spec("llama_index")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "core" / "_static" / "tiktoken_cache"
        if candidate.is_dir():
            return candidate
    return None


def find_encoding_cache(encoding: str) -> Path:
    """The folder holding ``encoding``'s file, or ConfigurationError naming the fixes."""
    name = _cache_file_name(encoding)
    candidates = [Path(p) for p in [os.environ.get("TIKTOKEN_CACHE_DIR")] if p]
    bundled = _llama_index_cache()
    if bundled:
        candidates.append(bundled)
    for folder in candidates:
        if (folder / name).is_file():
            return folder
    raise ConfigurationError(
        f"the tiktoken encoding {encoding!r} is not available offline. Either set "
        f"TIKTOKEN_CACHE_DIR to a folder holding its file ({name}), or "
        "pip install 'agent-session-memory[tokens]' (llama-index-core bundles o200k_base and "
        "cl100k_base), or pass token_counter= any callable str -> int.",
        encoding=encoding,
    )


@lru_cache(maxsize=4)
def tiktoken_counter(encoding: str) -> TokenCounter:
    """A counter for a tiktoken encoding, loaded without any network access."""
    try:
        import tiktoken
    except ImportError as exc:  # pragma: no cover - tiktoken is a core dependency
        raise MissingExtra("tokens", "tiktoken") from exc
    folder = find_encoding_cache(encoding)
    with _env_lock:
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
        try:
            enc = tiktoken.get_encoding(encoding)
        finally:
            if previous is None:
                del os.environ["TIKTOKEN_CACHE_DIR"]
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous

    def count(text: str) -> int:
        return len(enc.encode(text, disallowed_special=()))

    return count


# Per-message framing tokens (role, separators), as in OpenAI's chat format accounting.
MESSAGE_OVERHEAD_TOKENS = 4
