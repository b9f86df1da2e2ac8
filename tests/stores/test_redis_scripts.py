"""The Redis store's Lua scripts: each names its KEYS and ARGV at its top, and no two concerns
register a script under the same name."""

from __future__ import annotations

import pytest

from agent_session_memory.stores.sessions.redis import (
    context,
    events,
    leases,
    messages,
    sessions,
    store,
)
from agent_session_memory.stores.sessions.redis.lua import PRELUDE

MODULES = [sessions, context, messages, events, leases]


def _header(source: str) -> list[str]:
    """The lines before the script's first statement (comments, blanks and ``local`` names)."""
    lines = source.removeprefix(PRELUDE).strip().splitlines()
    header = []
    for line in lines:
        if line.strip() and not line.startswith(("--", "local ", "  KEYS")):
            break
        header.append(line)
    return header


@pytest.mark.parametrize("name", sorted(store.SCRIPTS))
def test_a_script_names_its_keys_and_arguments_at_the_top(name: str) -> None:
    header = _header(store.SCRIPTS[name])
    comments = [line for line in header if line.startswith("--")]
    assert comments and comments[0].startswith("-- KEYS"), header
    assert any(line.startswith("-- ARGV") for line in comments), header


def test_no_two_concerns_share_a_script_name() -> None:
    assert sum(len(m.SCRIPTS) for m in MODULES) == len(store.SCRIPTS)


def test_session_scripts_start_with_the_liveness_prelude() -> None:
    for module in (sessions, context, messages):
        for source in module.SCRIPTS.values():
            assert source.startswith(PRELUDE)
