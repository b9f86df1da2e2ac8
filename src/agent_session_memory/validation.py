"""Boundary checks: every public input passes here once, before any store sees it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from .errors import InvalidInput, LimitExceeded
from .limits import Limits
from .models import to_timestamp


@lru_cache(maxsize=8)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def workspace_id(value: Any, limits: Limits) -> str:
    if not isinstance(value, str) or not _pattern(limits.workspace_id_pattern).fullmatch(value):
        raise InvalidInput(
            f"workspace id {value!r} must match {limits.workspace_id_pattern}",
            field="workspace_id",
        )
    if value in {".", ".."}:
        raise InvalidInput("workspace id may not be '.' or '..'", field="workspace_id")
    return value


_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def object_id(value: Any, what: str) -> str:
    """Session and memory ids: opaque, but never a path or an injection."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidInput(f"{what} {value!r} is not a valid id", field=what)
    return value


def key(value: Any, limits: Limits) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"key must be a string, not {type(value).__name__}", field="key")
    if not value:
        raise InvalidInput("key must not be empty", field="key")
    if len(value) > limits.max_key_chars:
        raise LimitExceeded(f"key is {len(value)} characters (limit {limits.max_key_chars})")
    if "\x00" in value:
        raise InvalidInput("key must not contain NUL", field="key")
    return value


def session_name(value: Any, limits: Limits) -> str:
    """A session name follows the rules of a key (1-256 characters, no NUL)."""
    if not isinstance(value, str):
        raise InvalidInput(f"name must be a string, not {type(value).__name__}", field="name")
    if not value:
        raise InvalidInput("name must not be empty", field="name")
    if len(value) > limits.max_key_chars:
        raise LimitExceeded(f"name is {len(value)} characters (limit {limits.max_key_chars})")
    if "\x00" in value:
        raise InvalidInput("name must not contain NUL (the character \\x00)", field="name")
    return value


def keys(values: str | Sequence[str], limits: Limits) -> list[str]:
    if isinstance(values, str):
        return [key(values, limits)]
    if not isinstance(values, (list, tuple)):
        raise InvalidInput("keys must be a string or a list of strings", field="keys")
    return [key(v, limits) for v in values]


def _depth(value: Any, limit: int, depth: int = 0) -> None:
    if depth > limit:
        raise LimitExceeded(f"value nests deeper than {limit} levels")
    if isinstance(value, dict):
        for v in value.values():
            _depth(v, limit, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _depth(v, limit, depth + 1)


def json_value(value: Any, limits: Limits, *, max_bytes: int | None = None) -> str:
    """Encode a value as strict JSON (no NaN/Infinity) within the size and depth limits."""
    if isinstance(value, (dict, list, tuple)):
        _depth(value, limits.max_json_depth)
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidInput(f"value is not JSON-serialisable: {exc}", field="value") from exc
    limit = max_bytes or limits.max_value_bytes
    if len(text) > limit // 4 and len(text.encode()) > limit:  # cheap length check first
        raise LimitExceeded(f"value is {len(text.encode())} bytes as JSON (limit {limit})")
    return text


def importance(value: Any, *, optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    return _fraction(value, "importance")


def _finite_number(value: Any) -> bool:
    """An int or float that is a real number (``True`` is no number, NaN and infinity none)."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def fraction(value: Any, name: str) -> float | None:
    """A number in [0, 1] (an importance, a ``min_score``), or None when none is given."""
    return None if value is None else _fraction(value, name)


def _fraction(value: Any, name: str) -> float:
    if not _finite_number(value):
        raise InvalidInput(f"{name} must be a number in [0, 1], not {value!r}", field=name)
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"{name} must be in [0, 1], not {value}", field=name)
    return float(value)


def ttl(value: Any, limits: Limits) -> float:
    if not _finite_number(value):
        raise InvalidInput(f"ttl_seconds must be a number, not {value!r}", field="ttl_seconds")
    if not limits.min_ttl_seconds <= value <= limits.max_ttl_seconds:
        raise InvalidInput(
            f"ttl_seconds must be between {limits.min_ttl_seconds} and {limits.max_ttl_seconds}",
            field="ttl_seconds",
        )
    return float(value)


#: A memory may be given up to 1,000 years to live: its expiry must still be a date.
MAX_MEMORY_TTL_SECONDS = 1000 * 365 * 86400


def memory_ttl(value: Any) -> float | None:
    """A memory's time to live in seconds (``None``: for good); a positive number of seconds,
    at most ``MAX_MEMORY_TTL_SECONDS``."""
    if value is None:
        return None
    if not _finite_number(value) or not 0 < value <= MAX_MEMORY_TTL_SECONDS:
        raise InvalidInput(
            f"ttl_seconds must be a positive number of seconds up to {MAX_MEMORY_TTL_SECONDS} "
            f"(1,000 years), not {value!r}",
            field="ttl_seconds",
        )
    return float(value)


def positive_int(value: Any, what: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(f"{what} must be a positive integer, not {value!r}", field=what)
    if value > maximum:
        raise LimitExceeded(f"{what} is {value} (limit {maximum})", field=what)
    return value


def hours(value: Any, what: str, maximum: float) -> float:
    if not _finite_number(value):
        raise InvalidInput(f"{what} must be a number of hours, not {value!r}", field=what)
    if not 0 < value <= maximum:
        raise InvalidInput(f"{what} must be in (0, {maximum}]", field=what)
    return float(value)


def text(value: Any, what: str, max_bytes: int, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string, not {type(value).__name__}", field=what)
    if not allow_empty and not value.strip():
        raise InvalidInput(f"{what} must not be empty", field=what)
    try:
        size = len(value.encode())
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            f"{what} is not valid Unicode: a lone surrogate U+{ord(value[exc.start]):04X} at "
            f"index {exc.start}",
            field=what,
        ) from None
    if size > max_bytes:
        raise LimitExceeded(f"{what} is {size} bytes (limit {max_bytes})", field=what)
    return value


def timestamp(value: Any, what: str) -> float | None:
    """A time filter: ``None``, a ``datetime`` (naive means UTC) or epoch seconds."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, datetime)):
        raise InvalidInput(f"{what} must be a datetime or epoch seconds, not {value!r}", field=what)
    stamp = to_timestamp(value)
    if stamp is None or not math.isfinite(stamp):
        raise InvalidInput(f"{what} must be a finite time, not {value!r}", field=what)
    return stamp


def tags(values: Iterable[Any] | None, limits: Limits) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]  # one tag, not its characters
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise InvalidInput("tags must be a list of strings", field="tags")
    out: list[str] = []
    for tag in values:
        if not isinstance(tag, str) or not tag.strip() or len(tag) > limits.max_tag_chars:
            raise InvalidInput(
                f"tag {tag!r} must be a non-empty string of at most "
                f"{limits.max_tag_chars} characters",
                field="tags",
            )
        if tag not in out:
            out.append(tag)
    if len(out) > limits.max_tags:
        raise LimitExceeded(f"{len(out)} tags (limit {limits.max_tags})", field="tags")
    return out


def metadata(value: Any, limits: Limits) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise InvalidInput("metadata must be a dict with string keys", field="metadata")
    json_value(value, limits, max_bytes=limits.max_metadata_bytes)
    return dict(value)
