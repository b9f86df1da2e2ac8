"""Token windows keep the conversation valid: system message, tool-call units, newest user turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.engine.token_window import select_window
from agent_session_memory.stores.sessions.base import MessageRecord


def _m(seq: int, role: str, tokens: int) -> MessageRecord:
    return MessageRecord(
        role=role, content=f"{role}{seq}", token_count=tokens, created_at=0, seq=seq
    )


def _window(messages: list[MessageRecord], budget: int) -> list[int]:
    system = messages[0] if messages and messages[0].role == "system" else None
    return [m.seq for m in select_window(reversed(messages), budget, system)]


def test_keeps_the_system_message_and_the_newest_that_fit() -> None:
    history = [_m(1, "system", 10)] + [
        _m(i, "user" if i % 2 else "assistant", 10) for i in range(2, 12)
    ]
    assert _window(history, 40) == [1, 9, 10, 11]


def test_never_splits_a_tool_call_from_its_results() -> None:
    history = [
        _m(1, "system", 5),
        _m(2, "user", 5),
        _m(3, "assistant", 10),  # calls two tools
        _m(4, "tool", 10),
        _m(5, "tool", 10),
        _m(6, "assistant", 5),
        _m(7, "user", 5),
    ]
    # 5 (system) + 5 + 5 = 15 fits; adding the 30-token tool unit would not: drop it whole.
    # The window then starts at a user message (issue 19: never an assistant turn right after
    # the system message), so with no room for user 2, the newest user turn alone is left.
    assert _window(history, 40) == [1, 7]
    assert _window(history, 45) == [1, 7]
    assert _window(history, 50) == [1, 2, 3, 4, 5, 6, 7]


def test_always_keeps_the_newest_user_message() -> None:
    history = [_m(1, "system", 5), _m(2, "user", 100), _m(3, "assistant", 3)]
    assert _window(history, 10) == [1, 2, 3]


def test_stops_reading_once_full() -> None:
    read = 0

    def newest_first() -> Any:
        nonlocal read
        for seq in range(10_000, 0, -1):
            read += 1
            yield _m(seq, "user", 10)

    select_window(newest_first(), 100, None)
    assert read <= 11


@pytest.mark.parametrize("budget", [50, 200, 2000])
def test_client_windows_fit_the_budget_counted_with_the_same_tokenizer(
    tmp_path: Path, budget: int
) -> None:
    with MemoryClient(path=str(tmp_path)) as client:
        session = client.create_session(ttl_seconds=600)
        client.add_messages(session.id, [{"role": "system", "content": "You are terse."}])
        client.add_messages(
            session.id,
            [
                {
                    "role": "user" if i % 2 == 0 else "assistant",
                    "content": f"message number {i} " * 5,
                }
                for i in range(301)  # the newest message is the user's
            ],
        )
        window = client.get_messages(session.id, max_tokens=budget)
        assert window[0].role == "system"
        assert sum(m.token_count for m in window) <= budget
        assert window[-1].content.startswith("message number 300")
        assert [m.seq for m in window[1:]] == sorted(m.seq for m in window[1:])


def test_a_token_window_never_starts_with_an_assistant_turn() -> None:
    history = [
        _m(1, "system", 5),
        _m(2, "user", 5),
        _m(3, "assistant", 5),
        _m(4, "user", 5),
        _m(5, "assistant", 5),
    ]
    assert _window(history, 20) == [1, 4, 5]  # 3 would fit, but it would start the window


def test_last_n_never_starts_with_an_orphan_tool_result(tmp_path: Path) -> None:
    with MemoryClient(path=str(tmp_path / "home")) as client:
        session = client.create_session(600)
        call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
        client.add_messages(
            session.id,
            [
                {"role": "user", "content": "go"},
                {"role": "assistant", "content": "", "tool_calls": [call]},
                {"role": "tool", "content": "r1", "tool_call_id": "c1"},
                {"role": "tool", "content": "r2", "tool_call_id": "c1"},
                {"role": "assistant", "content": "done"},
            ],
        )
        roles = [m.role for m in client.get_messages(session.id, last_n=3)]
        assert roles == ["assistant"]  # the two results lost their call: not sent alone
        roles = [m.role for m in client.get_messages(session.id, last_n=4)]
        assert roles == ["assistant", "tool", "tool", "assistant"]
