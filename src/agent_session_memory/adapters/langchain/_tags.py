"""The LangGraph store's bookkeeping, kept out of what users and models read.

The store finds its items through hashed tags (``lg-item-...`` per item, ``lg-ns-...`` per
namespace prefix); the retriever, the tools and store values show only the other tags. Items
put with a TTL carry ``metadata["langgraph"]["expires_at"]``; the retriever and the recall tool
leave expired ones out, as the store's own reads do.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

INTERNAL_TAG_PREFIXES = ("lg-item-", "lg-ns-")


def visible_tags(tags: Sequence[str]) -> list[str]:
    """A memory's tags without the store's bookkeeping tags."""
    return [t for t in tags if not t.startswith(INTERNAL_TAG_PREFIXES)]


def expired_item(metadata: Mapping[str, Any], now: float | None = None) -> bool:
    """A memory the LangGraph store put with a TTL that has passed."""
    meta = metadata.get("langgraph") if isinstance(metadata, Mapping) else None
    expires = meta.get("expires_at") if isinstance(meta, Mapping) else None
    at = time.time() if now is None else now
    return isinstance(expires, (int, float)) and not isinstance(expires, bool) and expires <= at
