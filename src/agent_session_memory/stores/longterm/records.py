"""Memory <-> stored forms: the JSON row, Chroma's flat metadata, a kept vector's bytes."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from ...models import Memory, to_timestamp


def vector_bytes(vector: npt.NDArray[np.float32] | None) -> bytes | None:
    """A vector as the rows keep it: little-endian float32, whatever machine wrote it (the
    PostgreSQL rows are shared across machines). None stays None."""
    return None if vector is None else np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(blob: bytes) -> npt.NDArray[np.float32]:
    return np.frombuffer(bytes(blob), dtype="<f4").astype(np.float32)


def content_hash(content: str) -> str:
    """Hash of the normalised text: case, Unicode form and whitespace runs do not count."""
    text = unicodedata.normalize("NFKC", content).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return hashlib.sha256(text.encode()).hexdigest()


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def memory_from_dict(data: dict[str, Any]) -> Memory:
    """The inverse of ``Memory.to_dict`` (export files and stored rows)."""
    return Memory(
        id=str(data["id"]),
        workspace_id=str(data["workspace_id"]),
        content=str(data["content"]),
        type=str(data.get("type") or "fact"),
        importance=float(data.get("importance", 0.5)),
        tags=list(data.get("tags") or []),
        metadata=dict(data.get("metadata") or {}),
        session_id=data.get("session_id"),
        source_sessions=list(data.get("source_sessions") or []),
        key=data.get("key"),
        content_hash=str(data.get("content_hash") or content_hash(str(data["content"]))),
        created_at=_dt(data.get("created_at")),
        updated_at=_dt(data.get("updated_at")),
        superseded_by=data.get("superseded_by"),
        valid_until=_dt(data.get("valid_until")),
    )


def to_json(memory: Memory) -> str:
    return json.dumps(memory.to_dict(), ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> Memory:
    return memory_from_dict(json.loads(text))


def chroma_metadata(memory: Memory) -> dict[str, str | int | float | bool]:
    """Flat, filterable metadata (Chroma takes no lists or None): one boolean key per tag."""
    meta: dict[str, str | int | float | bool] = {
        "type": memory.type,
        "importance": float(memory.importance),
        "created_at": to_timestamp(memory.created_at) or 0.0,
        "updated_at": to_timestamp(memory.updated_at) or 0.0,
        "content_hash": memory.content_hash,
        "superseded": memory.superseded_by is not None,
    }
    if memory.session_id is not None:
        meta["session_id"] = memory.session_id
    if memory.key is not None:
        meta["key"] = memory.key
    for tag in memory.tags:
        meta[f"tag:{tag}"] = True
    return meta
