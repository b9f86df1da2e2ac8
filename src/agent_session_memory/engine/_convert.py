"""Store records to public models (the only place that knows both shapes)."""

from __future__ import annotations

import json
from typing import Any

from ..models import ContextItem, Event, EventType, Message, Session, SessionStatus, to_datetime
from ..stores.sessions.base import (
    ContextRecord,
    EventRecord,
    MessageRecord,
    SessionRecord,
    session_state,
)


def session(record: SessionRecord, now: float, **extra: Any) -> Session:
    return Session(
        id=record.id,
        workspace_id=record.workspace_id,
        status=SessionStatus(session_state(record, now)),
        created_at=to_datetime(record.created_at),  # type: ignore[arg-type]
        expires_at=to_datetime(record.expires_at),  # type: ignore[arg-type]
        ttl_seconds=record.ttl_seconds,
        metadata=dict(record.metadata),
        ended_at=to_datetime(record.ended_at),
        committed_at=to_datetime(record.committed_at),
        auto_commit=record.auto_commit,
        last_activity=to_datetime(max(record.touched_at, record.changed_at or 0.0)),
        name=record.name,
        **extra,
    )


def context_item(record: ContextRecord) -> ContextItem:
    return ContextItem(
        key=record.key,
        value=json.loads(record.value_json),
        version=record.version,
        importance=record.importance,
        reads=record.reads,
        created_at=to_datetime(record.created_at),
        updated_at=to_datetime(record.updated_at),
        committed_version=record.committed_version,
    )


def message(record: MessageRecord) -> Message:
    data = json.loads(record.data_json) if record.data_json else {}
    return Message(
        role=record.role,
        content=record.content,
        seq=record.seq,
        name=data.pop("name", None),
        tool_calls=data.pop("tool_calls", []),
        tool_call_id=data.pop("tool_call_id", None),
        data=data.pop("data", {}),
        token_count=record.token_count,
        status=record.status,
        created_at=to_datetime(record.created_at),
    )


def event(record: EventRecord) -> Event:
    return Event(
        id=record.id,
        workspace_id=record.workspace_id,
        type=EventType(record.type),
        at=to_datetime(record.at),  # type: ignore[arg-type]
        session_id=record.session_id,
        memory_id=record.memory_id,
        data=json.loads(record.data_json) if record.data_json else {},
    )
