"""One error tree with stable codes, rebuilt from its wire form as the same type."""

from __future__ import annotations

import pytest

from agent_session_memory import errors


def test_codes_are_unique_and_statuses_are_http() -> None:
    classes = list(errors.ERRORS_BY_CODE.values())
    assert len({c.code for c in classes}) == len(classes)
    assert all(400 <= c.status < 600 for c in classes)


@pytest.mark.parametrize("cls", list(errors.ERRORS_BY_CODE.values()))
def test_wire_round_trip_keeps_the_type(cls: type[errors.AgentMemoryError]) -> None:
    original = cls("something happened", key="k")
    rebuilt = errors.error_from_dict(original.to_dict())
    assert type(rebuilt) is cls
    assert rebuilt.message == "something happened" and rebuilt.details == {"key": "k"}


def test_invalid_input_is_a_value_error_and_missing_extra_names_the_extra() -> None:
    assert issubclass(errors.InvalidInput, ValueError)
    err = errors.MissingExtra("redis", "redis")
    assert isinstance(err, ImportError)
    assert "pip install 'agent-session-memory[redis]'" in str(err)
