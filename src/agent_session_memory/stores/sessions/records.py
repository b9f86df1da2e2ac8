"""The records that cross the session-store seam: plain data, times as float epoch seconds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class SessionRecord:
    id: str
    workspace_id: str
    created_at: float
    touched_at: float
    expires_at: float
    ttl_seconds: float
    status: str = "active"  # "active" | "ended"; "expired" is derived from expires_at
    ended_at: float | None = None
    committed_at: float | None = None
    auto_commit: bool = True
    metadata: dict[str, Any] = field(default_factory=dict)
    # Time of the last context or message change: tells "changed since the last commit".
    changed_at: float | None = None
    # A name unique among the workspace's live sessions (open_named_session), or None.
    name: str | None = None


@dataclass(slots=True)
class ContextRecord:
    key: str
    value_json: str
    version: int
    importance: float | None
    reads: int
    created_at: float
    updated_at: float
    committed_version: int | None = None


@dataclass(slots=True)
class ContextWrite:
    key: str
    value_json: str
    importance: float | None = None
    expected_version: int | None = None  # None: unconditional; 0: must not exist; n: must be n


@dataclass(slots=True)
class MessageRecord:
    role: str
    content: str
    token_count: int
    created_at: float
    data_json: str = "{}"  # name, tool_calls, tool_call_id, framework payload
    status: str = "active"
    seq: int = 0  # assigned by the store, 1-based, increasing per session


@dataclass(slots=True)
class EventRecord:
    id: str
    workspace_id: str
    type: str
    at: float
    session_id: str | None = None
    memory_id: str | None = None
    data_json: str = "{}"
