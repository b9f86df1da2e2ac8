"""Import records (export's JSON objects) checked whole before anything is written.

An import is all or nothing: every record is checked first (a bad one names its index and
field), ids repeated inside the import are refused, and so are ids the workspace already holds
(an import never overwrites a memory silently). Only then does the long-term side write, in one
transaction of rows (``engine/longterm/crud.py``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from .. import validation as check
from ..errors import InvalidInput, LimitExceeded
from ..limits import Limits
from ..models import Memory
from ..stores.longterm.records import memory_from_dict

MAX_IMPORT_RECORDS = 1_000_000
#: What an id the workspace already holds does: refuse the import, keep the old, or overwrite it.
ON_CONFLICT = ("error", "skip", "replace")
MAX_TYPE_CHARS = 64
TIME_FIELDS = ("created_at", "updated_at", "valid_until")
# Epoch seconds a datetime can hold: 0001-01-02 to 9999-12-31 UTC (a day inside either end so
# no time zone takes it out of range).
MIN_EPOCH = -62135510400
MAX_EPOCH = 253402214400
FIELDS = frozenset(
    {
        "id",
        "workspace_id",
        "content",
        "type",
        "importance",
        "tags",
        "metadata",
        "session_id",
        "source_sessions",
        "key",
        "content_hash",
        "created_at",
        "updated_at",
        "superseded_by",
        "valid_until",
        "expires_at",
    }
)


def check_records(records: Any, workspace_id: str, limits: Limits) -> list[Memory]:
    """Every record as a ``Memory`` of ``workspace_id``; ``InvalidInput`` names the first bad."""
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
        raise InvalidInput("records must be a list of objects", field="records")
    try:  # a typed iterable (the HTTP layer's) refuses a bad item only as it is read
        items = list(itertools.islice(records, MAX_IMPORT_RECORDS + 1))
    except ValueError as exc:
        raise InvalidInput(f"records must be a list of objects: {exc}", field="records") from None
    if len(items) > MAX_IMPORT_RECORDS:
        raise LimitExceeded(f"more than {MAX_IMPORT_RECORDS} records", field="records")
    out: list[Memory] = []
    seen: set[str] = set()
    for n, record in enumerate(items):
        memory = _record(n, record, workspace_id, limits)
        if memory.id in seen:
            raise InvalidInput(
                f"records[{n}]: id {memory.id!r} appears twice in the import", field="records"
            )
        seen.add(memory.id)
        out.append(memory)
    return out


def _record(n: int, record: Any, workspace_id: str, limits: Limits) -> Memory:
    try:
        return _parse(record, workspace_id, limits)
    except InvalidInput as exc:
        raise type(exc)(f"records[{n}]: {exc.message}", **{**exc.details, "record": n}) from None
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise InvalidInput(f"records[{n}]: {exc}", field="records", record=n) from None


def _parse(record: Any, workspace_id: str, limits: Limits) -> Memory:
    if not isinstance(record, Mapping):
        raise InvalidInput("each record must be an object", field="records")
    unknown = sorted(str(k) for k in record if k not in FIELDS)
    if unknown:
        raise InvalidInput(f"unknown fields {unknown}", field=unknown[0])
    data = dict(record)
    check.object_id(data.get("id"), "id")
    check.text(data.get("content"), "content", limits.max_memory_content_bytes)
    _type(data.get("type", "fact"))
    check.importance(data.get("importance", 0.5), optional=False)
    data["tags"] = check.tags(data.get("tags"), limits)  # a single string is one tag
    data["metadata"] = check.metadata(data.get("metadata"), limits)
    for field in ("session_id", "superseded_by"):  # from another home: any well-formed id
        if data.get(field) is not None:
            check.object_id(data[field], field)
    for sid in _list(data.get("source_sessions"), "source_sessions"):
        check.object_id(sid, "source_sessions")
    if data.get("key") is not None:
        check.key(data["key"], limits)
    for field in TIME_FIELDS:
        data[field] = _time(data.get(field), field)
    data.pop("content_hash", None)  # recomputed, never trusted
    return memory_from_dict({**data, "workspace_id": workspace_id})


def _time(value: Any, field: str) -> datetime | None:
    """ISO 8601 (export's form) or epoch seconds (other tools' form); naive means UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{field} {value!r} is not an ISO 8601 time", field=field) from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not MIN_EPOCH <= value <= MAX_EPOCH:
            raise InvalidInput(
                f"{field} {value!r} is not a time (epoch seconds between {MIN_EPOCH} and "
                f"{MAX_EPOCH})",
                field=field,
            )
        stamp = datetime.fromtimestamp(value, UTC)
    else:
        raise InvalidInput(
            f"{field} must be an ISO 8601 string or epoch seconds, not {value!r}", field=field
        )
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _type(value: Any) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TYPE_CHARS:
        raise InvalidInput(f"type must be a non-empty short string, not {value!r}", field="type")


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(f"{field} must be a list", field=field)
    return value


__all__ = ["ON_CONFLICT", "check_records"]
