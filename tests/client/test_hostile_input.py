"""Bad input gets a clear, typed error and changes nothing."""

from __future__ import annotations

import math
from typing import Any

import pytest

from agent_session_memory import (
    InvalidInput,
    LimitExceeded,
    MemoryClient,
    SessionEnded,
    SessionExpired,
    SessionNotFound,
)
from agent_session_memory.client.transport import LocalTransport
from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine

BAD_WORKSPACES = [
    "",
    "a/b",
    "../etc",
    "a\\b",
    "x" * 65,
    "wörk",
    "a b",
    "tab\t",
    "nul\x00",
    "\uff57\uff53",
    "\u202ews",
    ".",
    "..",
    42,
    ["ws"],
]


@pytest.mark.parametrize("workspace", BAD_WORKSPACES)
def test_bad_workspace_ids_are_refused(client: MemoryClient, workspace: Any) -> None:
    with pytest.raises(InvalidInput) as info:
        client.create_session(ttl_seconds=60, workspace_id=workspace)
    assert info.value.code in {"invalid_input", "limit_exceeded"}
    assert client.list_sessions() == []


def test_a_64_character_workspace_is_fine(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60, workspace_id="w" * 64)
    assert session.workspace_id == "w" * 64


@pytest.mark.parametrize(
    "ttl", [0, -1, 0.5, 30 * 24 * 3600 + 1, 1e308, math.nan, math.inf, "60", None.__class__, True]
)
def test_bad_ttls_are_refused(client: MemoryClient, ttl: Any) -> None:
    with pytest.raises(InvalidInput):
        client.create_session(ttl_seconds=ttl)
    assert client.list_sessions() == []


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("", InvalidInput),
        ("k" * 257, LimitExceeded),
        (None, InvalidInput),
        (3, InvalidInput),
        ("a\x00b", InvalidInput),
    ],
)
def test_bad_keys_are_refused(client: MemoryClient, key: Any, error: type[Exception]) -> None:
    session = client.create_session(ttl_seconds=60)
    with pytest.raises(error):
        client.set_context(session.id, key, "v")
    assert client.get_context(session.id) == {}


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (object(), InvalidInput),
        ({1, 2}, InvalidInput),
        (b"bytes", InvalidInput),
        (math.nan, InvalidInput),
        ({"x": math.inf}, InvalidInput),
        ("x" * (1024 * 1024 + 1), LimitExceeded),
        (_deep(200), LimitExceeded),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    client: MemoryClient, value: Any, error: type[Exception]
) -> None:
    session = client.create_session(ttl_seconds=60)
    client.set_context(session.id, "k", "before")
    with pytest.raises(error):
        client.set_context(session.id, "k", value)
    assert client.get_context(session.id, "k") == "before"


def test_a_value_of_exactly_one_mib_is_accepted(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60)
    value = "x" * (1024 * 1024 - 2)  # plus the two JSON quotes
    client.set_context(session.id, "big", value)
    assert client.get_context(session.id, "big") == value


def test_the_key_limit_holds_and_a_failed_batch_changes_nothing(tmp_path: Any) -> None:
    from agent_session_memory.limits import Limits

    settings = Settings(home=tmp_path, limits=Limits(max_keys_per_session=3))
    with MemoryClient(settings=settings) as client:
        session = client.create_session(ttl_seconds=60)
        client.set_contexts(session.id, {"a": 1, "b": 2})
        with pytest.raises(LimitExceeded):
            client.set_contexts(session.id, {"c": 3, "d": 4})
        assert client.get_context(session.id) == {"a": 1, "b": 2}


@pytest.mark.parametrize("session_id", ["nope", "0" * 32, "../x", "", "a" * 200, None, 7])
def test_unknown_or_malformed_session_ids(client: MemoryClient, session_id: Any) -> None:
    with pytest.raises((SessionNotFound, InvalidInput)):
        client.set_context(session_id, "k", 1)
    with pytest.raises((SessionNotFound, InvalidInput)):
        client.get_context(session_id)
    with pytest.raises((SessionNotFound, InvalidInput)):
        client.touch_session(session_id)


def test_expired_sessions_never_return_working_memory(tmp_path: Any) -> None:
    clock = ManualClock()
    engine = Engine(Settings(home=tmp_path, auto_commit=False), clock=clock)
    client = MemoryClient(transport=LocalTransport(engine))
    session = client.create_session(ttl_seconds=10)
    client.set_context(session.id, "secret", "value")
    clock.advance(10)
    for call in (
        lambda: client.get_context(session.id),
        lambda: client.get_context(session.id, "secret"),
        lambda: client.set_context(session.id, "k", 1),
        lambda: client.touch_session(session.id),
        lambda: client.get_messages(session.id),
    ):
        with pytest.raises(SessionExpired) as info:
            call()
        assert info.value.status == 410
    assert client.get_session(session.id).status.value == "expired"


def test_ended_sessions_are_read_only(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60)
    client.set_context(session.id, "k", 1)
    client.end_session(session.id)
    assert client.get_context(session.id, "k") == 1
    with pytest.raises(SessionEnded):
        client.set_context(session.id, "k", 2)
    assert client.get_context(session.id, "k") == 1


@pytest.mark.parametrize(
    "messages",
    [
        "hi",
        [{"content": "no role"}],
        [{"role": "a b", "content": ""}],
        [{"role": "user", "content": 5}],
        [42],
    ],
)
def test_bad_messages_are_refused(client: MemoryClient, messages: Any) -> None:
    session = client.create_session(ttl_seconds=60)
    with pytest.raises(InvalidInput):
        client.add_messages(session.id, messages)
    assert client.get_messages(session.id) == []


def test_a_misspelt_option_fails_at_construction(tmp_path: Any) -> None:
    from agent_session_memory import ConfigurationError

    with pytest.raises(ConfigurationError, match="embeding_function"):
        MemoryClient(path=str(tmp_path), embeding_function=object())
