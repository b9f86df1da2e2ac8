"""Working memory: the session's key-value context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import validation as check
from ..errors import BackendUnavailable, InvalidInput
from ..models import ContextItem
from ..stores.sessions.base import ContextWrite
from . import _convert
from .boundary import boundary
from .shared import Shared


@boundary
class ContextService:
    def __init__(self, shared: Shared) -> None:
        self._shared = shared
        self._store = shared.store
        self._settings = shared.settings
        self._limits = shared.limits

    def set_context(
        self,
        session_id: str,
        key: str,
        value: Any,
        importance: float | None = None,
        *,
        expected_version: int | None = None,
    ) -> int:
        """Store one value; returns its new version. ``expected_version`` makes it a
        compare-and-set (0: the key must not exist yet), raising ``Conflict`` otherwise."""
        check.object_id(session_id, "session_id")
        write = ContextWrite(
            key=check.key(key, self._limits),
            value_json=check.json_value(value, self._limits),
            importance=check.importance(importance),
            expected_version=_version(expected_version),
        )
        versions = self._store.set_context(
            session_id, [write], self._shared.now(), self._limits.max_keys_per_session
        )
        return versions[write.key]

    def set_contexts(
        self, session_id: str, items: Mapping[str, Any], importance: float | None = None
    ) -> dict[str, int]:
        """Store several values atomically: all of them or none."""
        check.object_id(session_id, "session_id")
        if not isinstance(items, Mapping) or not items:
            raise InvalidInput("items must be a non-empty mapping of key to value", field="items")
        level = check.importance(importance)
        writes = [
            ContextWrite(check.key(k, self._limits), check.json_value(v, self._limits), level)
            for k, v in items.items()
        ]
        return self._store.set_context(
            session_id, writes, self._shared.now(), self._limits.max_keys_per_session
        )

    def get_context(self, session_id: str, keys: str | Sequence[str] | None = None) -> Any:
        """One key (a string or a one-element list): its value, or None when absent.
        Several keys: ``{key: value}`` of those present. No keys: the whole working memory."""
        items = self.get_context_items(session_id, keys)
        if keys is not None and (isinstance(keys, str) or len(keys) == 1):
            only = keys if isinstance(keys, str) else keys[0]
            item = items.get(only)
            return None if item is None else item.value
        return {k: item.value for k, item in items.items()}

    def get_context_items(
        self, session_id: str, keys: str | Sequence[str] | None = None, *, peek: bool = False
    ) -> dict[str, ContextItem]:
        """Values with their version, importance and read count; ``peek`` reads without counting
        a read (an inspector looking must not change what the commit scorer sees)."""
        check.object_id(session_id, "session_id")
        wanted = None if keys is None else check.keys(keys, self._limits)
        try:
            records = self._store.get_context(
                session_id, wanted, self._shared.now(), count_read=not peek
            )
        except BackendUnavailable as exc:
            if exc.details.get("reason") != "disk_full":
                raise
            # Counting the read is a write; on a full disk the working memory stays readable.
            records = self._store.get_context(
                session_id, wanted, self._shared.now(), count_read=False
            )
        return {k: _convert.context_item(r) for k, r in records.items()}

    def list_context_keys(self, session_id: str, prefix: str | None = None) -> list[str]:
        """The keys of a session's working memory, sorted; reading them counts as no read."""
        check.object_id(session_id, "session_id")
        if prefix is not None and not isinstance(prefix, str):
            raise InvalidInput("prefix must be a string", field="prefix")
        records = self._store.get_context(session_id, None, self._shared.now(), count_read=False)
        return sorted(k for k in records if prefix is None or k.startswith(prefix))

    def get_context_item(self, session_id: str, key: str) -> ContextItem | None:
        return self.get_context_items(session_id, [key]).get(key)

    def delete_context(self, session_id: str, keys: str | Sequence[str]) -> int:
        """Remove keys; returns how many existed."""
        check.object_id(session_id, "session_id")
        return self._store.delete_context(
            session_id, check.keys(keys, self._limits), self._shared.now()
        )


def _version(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            "expected_version must be a non-negative integer", field="expected_version"
        )
    return value
