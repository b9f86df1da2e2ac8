"""Every public parameter, fuzzed: each call succeeds or raises a type of our error tree, and a
refused call changes nothing (sessions, working memory, messages, memories, events).

One property per group of operations, a few seconds each (``max_examples`` below). The client is
embedded: the engine's boundary (``engine/boundary.py``) is what is tested; the HTTP codec has its
own fuzz test (tests/server/test_openapi_fuzz.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_session_memory import MemoryClient
from agent_session_memory.contract import OPERATIONS
from agent_session_memory.errors import AgentMemoryError, BackendUnavailable

from .strategies import MISSING, VALID, param_values

GROUPS = {
    "sessions": ["sessions", "lifecycle", "briefings", "commits", "workspaces"],
    "context": ["context"],
    "messages": ["messages"],
    "memories": ["memories"],
}
EXAMPLES = int(__import__("os").environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class World:
    """A home with a live session (a key, a message) and a memory: what fitting ids name."""

    def __init__(self, client: MemoryClient) -> None:
        self.client = client
        self.session = ""
        self.memory = ""

    def ready(self) -> None:
        c = self.client
        sessions = {s.id: s for s in c.list_sessions()}
        if self.session not in sessions or sessions[self.session].status != "active":
            self.session = c.create_session(ttl_seconds=3600).id
            c.set_context(self.session, "k", 1)
            c.add_messages(self.session, [{"role": "user", "content": "hi"}])
        if not any(m.id == self.memory for m in c.list_memories()):
            self.memory = c.remember("We chose JWT for auth", tags=["auth"]).id

    def fill(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return {"$session": self.session, "$memory": self.memory}.get(value, value)

    def snapshot(self) -> Any:
        c = self.client
        sessions = sorted((s.id, s.status, s.expires_at) for s in c.list_sessions())
        per_workspace = {
            w: (
                sorted(map(repr, c.export_workspace(workspace_id=w))),
                len(c.list_events(workspace_id=w)),
            )
            for w in ("default", "other")
        }
        context = c.get_context(self.session)
        messages = [(m.seq, m.content, m.status) for m in c.get_messages(self.session, status=None)]
        return sessions, per_workspace, context, messages


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with MemoryClient(path=str(tmp_path / "home")) as client:
        yield World(client)


def _call(service_group: list[str]) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    names = sorted(n for n, op in OPERATIONS.items() if op.service in service_group)

    @st.composite
    def calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
        name = draw(st.sampled_from(names))
        parameters = OPERATIONS[name].signature.parameters
        hostile = draw(st.sampled_from([None, *parameters]))  # one hostile parameter (or none)
        params: dict[str, Any] = {}
        for pname, parameter in parameters.items():
            default = MISSING if parameter.default is inspect.Parameter.empty else parameter.default
            if pname != hostile and default is not MISSING and draw(st.booleans()):
                continue  # left out: its default
            params[pname] = draw(param_values(pname, default, fitting_only=pname != hostile))
        return name, params

    return calls()


def _check(world: World, call: tuple[str, dict[str, Any]]) -> None:
    name, drawn = call
    world.ready()
    params = {k: world.fill(v) for k, v in drawn.items()}
    before = world.snapshot()
    try:
        getattr(world.client, name)(**params)
    except BackendUnavailable as exc:  # the home is healthy: blaming it hides a missing check
        raise AssertionError(f"{name}({params!r}) blamed the storage: {exc}") from exc
    except AgentMemoryError:
        assert world.snapshot() == before, f"{name}({params!r}) failed but changed something"
    # anything else propagates: an untyped error is the failure this suite looks for


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_call_succeeds_or_raises_a_typed_error_and_changes_nothing(
    world: World, group: str
) -> None:
    @FUZZ
    @given(call=_call(GROUPS[group]))
    def run(call: tuple[str, dict[str, Any]]) -> None:
        _check(world, call)

    run()


def test_every_operation_is_fuzzed() -> None:
    covered = {s for services in GROUPS.values() for s in services}
    assert {op.service for op in OPERATIONS.values()} <= covered


def test_every_parameter_has_fitting_values() -> None:
    """Without them a required parameter is always hostile (its operation never succeeds, so a
    hostile value elsewhere in the call is never reached) and an optional one only its default."""
    names = {p for op in OPERATIONS.values() for p in op.signature.parameters}
    assert sorted(names - set(VALID)) == []
