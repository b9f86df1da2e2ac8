"""Short readable labels from keys and values: thread topics, titles, shortened text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TITLE_FIELDS = ("topic", "title", "name", "task", "goal", "summary", "description")
TOPIC_CHARS = 100


def shorten(text: str, limit: int = TOPIC_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def readable_key(key: str) -> str:
    """``auth_refactor`` -> ``auth refactor`` (as the memory rendering does)."""
    return re.sub(r"[_\-.]+", " ", key).strip() or key


def item_topic(key: str, value: Any) -> str:
    """A thread's topic: the value's title-like field, else the key made readable."""
    return shorten(title(value) or readable_key(key))


def title(value: Any) -> str | None:
    """A value's title-like field (``topic``, ``title``, ``name``, ...), if it has one."""
    if isinstance(value, Mapping):
        for name in _TITLE_FIELDS:
            text = value.get(name)
            if isinstance(text, str) and text.strip():
                return text
    return None
