"""A session's working memory: its keys and JSON values."""

# mypy: disable-error-code="empty-body"
# (the declarations are stubs: never called, read for their signatures)

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...models import (
    ContextItem,
)
from ..operation import Route, Scope, operation
from .descriptions import IMPORTANCE, KEY, KEYS, SESSION_ID


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/memory"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "key": KEY,
        "value": "Any JSON value (at most 1 MiB).",
        "importance": IMPORTANCE,
        "expected_version": "Compare-and-set: write only if the key is at this version "
        "(0: only if it does not exist); else a conflict.",
    },
)
def set_context(
    session_id: str,
    key: str,
    value: Any,
    importance: float | None = None,
    *,
    expected_version: int | None = None,
) -> int:
    """Store a JSON value under ``key`` in the session's working memory; returns its version."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/memory/batch"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "items": "Keys and their JSON values, written together.",
        "importance": IMPORTANCE,
    },
)
def set_contexts(
    session_id: str, items: Mapping[str, Any], importance: float | None = None
) -> dict[str, int]:
    """Store several keys atomically; returns each key's new version."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory"),
    idempotent=True,
    params={"session_id": SESSION_ID, "keys": KEYS},
)
def get_context(session_id: str, keys: str | Sequence[str] | None = None) -> Any:
    """One key: its value (None if absent); several: ``{key: value}``; none: everything."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory/item"),
    idempotent=True,
    params={"session_id": SESSION_ID, "key": KEY},
)
def get_context_item(session_id: str, key: str) -> ContextItem | None:
    """One key with its version, importance and read count (None if absent)."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory/items"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "keys": KEYS,
        "peek": "Do not count this as a read (an inspector looking changes no read count).",
    },
)
def get_context_items(
    session_id: str, keys: str | Sequence[str] | None = None, *, peek: bool = False
) -> dict[str, ContextItem]:
    """Keys with their versions, importance and read counts (missing keys absent)."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/memory/keys"),
    idempotent=True,
    params={"session_id": SESSION_ID, "prefix": "Only keys that start with this."},
)
def list_context_keys(session_id: str, prefix: str | None = None) -> list[str]:
    """Sorted keys (optionally only those starting with ``prefix``); not counted as reads."""


@operation(
    service="context",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/memory/delete"),
    idempotent=True,
    params={"session_id": SESSION_ID, "keys": "One key or a list of keys."},
)
def delete_context(session_id: str, keys: str | Sequence[str]) -> int:
    """Delete keys from the working memory; returns how many existed."""
