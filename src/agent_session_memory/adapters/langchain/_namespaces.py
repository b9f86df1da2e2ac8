"""The LangGraph store's pure logic: namespaces -> workspaces, tags, filters, text, TTL.

Mapping (documented in docs/integrations/langchain.md):
- default: the namespace's first label is the workspace id (validated against the workspace id
  rules, and against an allow-list when one is given); the other labels are the sub-namespace.
- ``workspace_id=`` fixed: the whole namespace is a sub-namespace inside that one workspace.
Each item is one memory. Its identity is kept in the memory's metadata and made searchable by
tags that are hashes (so labels of any characters never reach a filter language): one tag for the
item (namespace + key) and one per namespace prefix, so a prefix search is a single tag filter.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from langgraph.store.base import InvalidNamespaceError, Item, MatchCondition, SearchItem

from ...errors import AccessDenied, InvalidInput, LimitExceeded
from ...models import Memory
from ._tags import visible_tags

META_KEY = "langgraph"
MAX_LABELS = 60  # two tags of the 64 a memory may carry are not namespace prefixes
MAX_LABEL_CHARS = 256
MAX_CONTENT_BYTES = 32 * 1024
# A value lives in its memory's metadata (64 KiB, shared with the namespace, key and TTL), so
# it gets half of that; the working-memory store (SessionContextStore) takes 1 MiB values.
MAX_VALUE_BYTES = 32 * 1024
# the workspace id rule, minus "." (a LangGraph label cannot hold one)
_WORKSPACE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_FIXED = re.compile(r"[A-Za-z0-9._-]{1,64}")


class InvalidNamespace(InvalidInput, InvalidNamespaceError):
    """A namespace LangGraph or this store cannot take (both error types, so both catch it)."""


class NamespaceNotAllowed(AccessDenied, InvalidNamespaceError):
    """The namespace names a workspace outside the store's allow-list."""


def _digest(parts: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(parts)).encode()).hexdigest()[:32]


def item_tag(full: Sequence[str], key: str) -> str:
    return "lg-item-" + _digest([*full, "\x00", key])


def prefix_tag(full: Sequence[str]) -> str:
    return "lg-ns-" + _digest(full)


class NamespaceMap:
    """Between LangGraph namespaces and (workspace id, sub-namespace)."""

    def __init__(
        self,
        workspace_id: str | None,
        workspaces: Collection[str] | None,
        default_workspace: str | None,
    ) -> None:
        self.fixed = workspace_id
        self.allowed = None if workspaces is None else frozenset(workspaces)
        if workspace_id is not None and not _FIXED.fullmatch(workspace_id):
            raise InvalidNamespace(
                f"workspace id {workspace_id!r} is not valid", field="workspace_id"
            )
        for ws in sorted(self.allowed or ()):
            _check_workspace(ws)
        self.default = workspace_id or default_workspace or "default"

    def split(self, namespace: tuple[str, ...], *, for_write: bool) -> tuple[str, tuple[str, ...]]:
        """Validate a namespace; returns its workspace and sub-namespace."""
        check_labels(namespace)
        if for_write and not namespace:
            raise InvalidNamespace("namespace must not be empty", field="namespace")
        if for_write and namespace[0] == "langgraph":
            raise InvalidNamespace('a namespace may not start with "langgraph"', field="namespace")
        if self.fixed is not None:
            return self.fixed, namespace
        if not namespace:
            raise InvalidNamespace(
                "namespace needs a workspace id as its first label", field="namespace"
            )
        return self.allow(namespace[0]), namespace[1:]

    def allow(self, workspace: str) -> str:
        _check_workspace(workspace)
        if self.allowed is not None and workspace not in self.allowed:
            raise NamespaceNotAllowed(
                f"workspace {workspace!r} is not allowed in this store", workspace_id=workspace
            )
        return workspace

    def workspaces_for(self, prefix: Sequence[str]) -> list[str]:
        """The workspaces a search or listing with this (possibly empty) prefix covers."""
        if self.fixed is not None:
            return [self.fixed]
        if prefix and prefix[0] != "*":
            return [self.allow(prefix[0])]
        return sorted(self.allowed) if self.allowed is not None else [self.default]

    def plain(self, workspace: str) -> tuple[str, ...]:
        """The sub-namespace where memories the store did not write appear, so that their
        namespace is ``(workspace,)`` in both modes."""
        return (workspace,) if self.fixed is not None else ()

    def external(self, workspace: str, sub: Sequence[str]) -> tuple[str, ...]:
        return tuple(sub) if self.fixed is not None else (workspace, *sub)


def _check_workspace(value: str) -> None:
    if not isinstance(value, str) or not _WORKSPACE.fullmatch(value):
        raise InvalidNamespace(
            f"workspace label {value!r} must be 1-64 of [A-Za-z0-9_-]", field="namespace"
        )


def check_labels(namespace: Any) -> None:
    if not isinstance(namespace, tuple):
        raise InvalidNamespace(
            f"namespace must be a tuple of strings, not {namespace!r}", field="namespace"
        )
    if len(namespace) > MAX_LABELS:
        raise InvalidNamespace(
            f"namespace has {len(namespace)} labels (limit {MAX_LABELS})", field="namespace"
        )
    for label in namespace:
        if not isinstance(label, str) or not label or "." in label or "\x00" in label:
            raise InvalidNamespace(
                f"namespace label {label!r} must be a non-empty string without '.' or NUL",
                field="namespace",
            )
        if len(label) > MAX_LABEL_CHARS:
            raise InvalidNamespace(
                f"namespace label is over {MAX_LABEL_CHARS} characters", field="namespace"
            )


def check_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidInput(f"key must be a non-empty string, not {key!r}", field="key")
    if "\x00" in key:
        raise InvalidInput("key must not contain NUL (the character \\x00)", field="key")
    if len(key) > 1024:
        raise InvalidInput(f"key is {len(key)} characters (at most 1024)", field="key")
    return key


def tags_for(workspace: str, sub: Sequence[str], key: str) -> list[str]:
    full = [workspace, *sub]
    return [item_tag(full, key)] + [prefix_tag(full[:n]) for n in range(1, len(full) + 1)]


# -- values as text ---------------------------------------------------------------------------
def _readable(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        if len(value) == 1:
            return _readable(next(iter(value.values())))
        return "\n".join(f"{k}: {_readable(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "\n".join(_readable(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def text_of(value: Mapping[str, Any], fields: Sequence[str] | None) -> str:
    """The text that is embedded and indexed: the whole value readably, or the given fields."""
    from langgraph.store.base import get_text_at_path

    if not fields or list(fields) == ["$"]:
        text = _readable(value)
    else:
        text = "\n".join(t for f in fields for t in get_text_at_path(dict(value), f))
    data = text.encode()
    if len(data) > MAX_CONTENT_BYTES:
        text = data[:MAX_CONTENT_BYTES].decode(errors="ignore")
    return text


def check_value(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise InvalidInput("a store value must be a dict with string keys", field="value")
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"store value is not JSON: {exc}", field="value") from exc
    size = len(text.encode())
    if size > MAX_VALUE_BYTES:
        raise LimitExceeded(
            f"a store value is at most {MAX_VALUE_BYTES} bytes of JSON, this one is {size} (it "
            "is kept in its memory's metadata); put larger values in working memory "
            "(SessionContextStore, 1 MiB) or split them",
            field="value",
        )
    return dict(json.loads(text))


# -- filters (PostgreSQL JSONB semantics, like LangGraph's own stores) --------------------------
_OPS = {"$eq", "$ne", "$gt", "$gte", "$lt", "$lte"}


def check_filter(flt: Any) -> dict[str, Any]:
    if flt is None:
        return {}
    if not isinstance(flt, Mapping) or not all(isinstance(k, str) for k in flt):
        raise InvalidInput("filter must be a dict with string keys", field="filter")
    for spec in flt.values():
        if isinstance(spec, Mapping):
            bad = {k for k in spec if k.startswith("$")} - _OPS
            if bad:
                raise InvalidInput(f"unsupported filter operators {sorted(bad)}", field="filter")
    return dict(flt)


def matches(value: Mapping[str, Any], flt: Mapping[str, Any]) -> bool:
    return all(_compare(value.get(k), spec) for k, spec in flt.items())


def _compare(actual: Any, spec: Any) -> bool:
    if isinstance(spec, Mapping):
        if any(k.startswith("$") for k in spec):
            return all(_apply(actual, op, v) for op, v in spec.items())
        return isinstance(actual, Mapping) and all(
            _compare(actual.get(k), v) for k, v in spec.items()
        )
    if isinstance(spec, (list, tuple)):
        return (
            isinstance(actual, (list, tuple))
            and len(actual) == len(spec)
            and all(_compare(a, s) for a, s in zip(actual, spec, strict=True))
        )
    return bool(actual == spec)


def _apply(actual: Any, op: str, expected: Any) -> bool:
    if op == "$eq":
        return bool(actual == expected)
    if op == "$ne":
        return bool(actual != expected)
    try:
        a, b = float(actual), float(expected)
    except (TypeError, ValueError):
        return False  # a missing or non-numeric field never satisfies an ordering
    return {"$gt": a > b, "$gte": a >= b, "$lt": a < b, "$lte": a <= b}[op]


def namespace_matches(namespace: tuple[str, ...], condition: MatchCondition) -> bool:
    path = tuple(condition.path)
    if len(namespace) < len(path):
        return False
    pairs = (
        zip(namespace, path, strict=False)
        if condition.match_type == "prefix"
        else zip(reversed(namespace), reversed(path), strict=False)
    )
    return all(p == "*" or n == p for n, p in pairs)


# -- memories <-> items -----------------------------------------------------------------------
def record(memory: Memory) -> dict[str, Any] | None:
    """Our bookkeeping on a memory the store wrote, or None for any other memory."""
    meta = memory.metadata.get(META_KEY) if isinstance(memory.metadata, Mapping) else None
    if isinstance(meta, Mapping) and isinstance(meta.get("key"), str):
        return dict(meta)
    return None


def plain_value(memory: Memory) -> dict[str, Any]:
    """How a memory the store did not write (a commit, ``remember``) reads as an item value."""
    return {
        "content": memory.content,
        "type": memory.type,
        "importance": memory.importance,
        "tags": visible_tags(memory.tags),
        "session_id": memory.session_id,
        "metadata": dict(memory.metadata),
    }


def _when(value: datetime | None, timestamp: Any) -> datetime:
    if isinstance(timestamp, (int, float)):
        return datetime.fromtimestamp(timestamp, UTC)
    return value if value is not None else datetime.fromtimestamp(0, UTC)


def to_item(
    memory: Memory, nsmap: NamespaceMap, score: float | None, search: bool
) -> Item | SearchItem:
    """The LangGraph item a memory stands for (``updated_at``: the last put, not TTL refreshes)."""
    meta = record(memory)
    if meta is None:
        namespace = nsmap.external(memory.workspace_id, nsmap.plain(memory.workspace_id))
        key, value, meta = memory.id, plain_value(memory), {}
    else:
        namespace = nsmap.external(memory.workspace_id, meta.get("namespace") or [])
        key, value = meta["key"], dict(meta.get("value") or {})
    created_at = _when(memory.created_at, meta.get("created_at"))
    updated_at = _when(memory.updated_at, meta.get("updated_at"))
    if search:
        return SearchItem(
            namespace=namespace,
            key=key,
            value=value,
            created_at=created_at,
            updated_at=updated_at,
            score=score,
        )
    return Item(
        namespace=namespace, key=key, value=value, created_at=created_at, updated_at=updated_at
    )


def expired(meta: Mapping[str, Any] | None, now: float) -> bool:
    expires = None if meta is None else meta.get("expires_at")
    return isinstance(expires, (int, float)) and expires <= now
