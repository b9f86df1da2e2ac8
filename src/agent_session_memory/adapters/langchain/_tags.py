"""The LangGraph store's bookkeeping, kept out of what users and models read.

The store finds its items through hashed tags (``lg-item-...`` per item, ``lg-ns-...`` per
namespace prefix); the retriever, the tools and store values show only the other tags. (Items
put with a TTL are memories with ``expires_at``: the core hides them on every read.)
"""

from __future__ import annotations

from collections.abc import Sequence

INTERNAL_TAG_PREFIXES = ("lg-item-", "lg-ns-")


def visible_tags(tags: Sequence[str]) -> list[str]:
    """A memory's tags without the store's bookkeeping tags."""
    return [t for t in tags if not t.startswith(INTERNAL_TAG_PREFIXES)]
