"""Working-memory items as readable text: what a memory's content says, and what gets embedded."""

from __future__ import annotations

import json
import re
from typing import Any

_TYPE_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("decision", re.compile(r"decision|decided|choice|chose|adr", re.I)),
    ("preference", re.compile(r"prefer|preference|likes?|dislikes?|favou?rite", re.I)),
    ("task", re.compile(r"task|todo|goal|plan|next_?step|thread", re.I)),
    ("profile", re.compile(r"user|name|profile|persona|identity|role", re.I)),
    ("lesson", re.compile(r"lesson|learn|insight|finding|root_?cause|fix|bug", re.I)),
]


def memory_type(key: str) -> str:
    """The memory type a working-memory key suggests (``note`` when nothing does)."""
    for name, pattern in _TYPE_CUES:
        if pattern.search(key):
            return name
    return "note"


def render_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        parts = [f"{k}: {render_value(v)}" for k, v in value.items() if v not in (None, "", [], {})]
        return "; ".join(parts)
    if isinstance(value, (list, tuple)):
        return ", ".join(render_value(v) for v in value)
    return json.dumps(value)


def render_item(key: str, value: Any) -> str:
    """``key: value`` with the key made readable (``current_task`` -> ``current task``)."""
    label = re.sub(r"[_\-.]+", " ", key).strip() or key
    return f"{label}: {render_value(value)}"
