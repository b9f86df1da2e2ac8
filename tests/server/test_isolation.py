"""A key reaches only its workspaces: on every route, whatever id it guesses, nothing leaks.

Workspace B holds a session (working memory, messages) and a memory. A key for A then calls every
operation of the registry with B's session id, B's memory id and B's workspace: each call fails
with 403 or 404 (or finds nothing: ``forget`` of an unknown id is False), and B afterwards is
exactly as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent_session_memory import AccessDenied, MemoryClient, NotFound, Unauthenticated
from agent_session_memory.client.http_sync import HTTPTransport
from agent_session_memory.contract import OPERATIONS, Operation, Scope
from tests.server.conftest import Server

ARGUMENTS: dict[str, Any] = {
    "key": "task",
    "value": "overwritten",
    "items": {"task": "overwritten"},
    "keys": ["task"],
    "messages": [{"role": "user", "content": "injected"}],
    "seqs": [1],
    "status": "archived",
    "content": "injected",
    "query": "secret plan",
    "records": [{"content": "injected"}],
    "memories": [{"content": "injected"}],
    "name": "b-thread",
}


def _arguments(op: Operation, **ids: Any) -> dict[str, Any]:
    """The operation's required arguments, B's ids where it takes them."""
    arguments = {}
    for name, parameter in op.signature.parameters.items():
        if name in ids:
            arguments[name] = ids[name]
        elif parameter.default is parameter.empty:
            arguments[name] = ARGUMENTS[name]
    return arguments


def _state(client: MemoryClient, sid: str) -> Any:
    session = client.get_session(sid)
    return (
        session.status,
        # (reads are left out: this check is itself a read)
        {k: (i.value, i.version, i.importance) for k, i in client.get_context_items(sid).items()},
        [m.content for m in client.get_messages(sid, status=None)],
        sorted(str(m) for m in client.export_workspace()),
        len(client.list_events()),
    )


@pytest.fixture
def workspace_b(server: Server) -> tuple[str, str]:
    with MemoryClient(base_url=server.url, api_key=server.key_b) as b:
        sid = b.create_session(ttl_seconds=600).id
        b.set_context(sid, "task", {"plan": "secret"})
        b.add_message(sid, "user", "the secret plan")
        mid = b.remember("The secret plan is X", session_id=sid).id
    return sid, mid


# Every operation, with the keys in SQLite: which rows hold a key does not change what it reaches
# (``KeyStore`` scopes it, for every backend; tests/server/test_keys.py runs both backends, and
# the other tests here run on PostgreSQL keys too).
@pytest.mark.parametrize("key_storage", ["sqlite"], indirect=True)
@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=lambda op: op.name)
def test_a_key_for_a_reaches_nothing_of_b(
    server: Server, workspace_b: tuple[str, str], op: Operation
) -> None:
    sid, mid = workspace_b
    with MemoryClient(base_url=server.url, api_key=server.key_b) as b:
        before = _state(b, sid)
    intruder = HTTPTransport(server.url, server.key_a)
    attempts: list[dict[str, Any]] = [dict(session_id=sid, memory_id=mid, workspace_id="b")]
    if op.scope is Scope.WORKSPACES:  # B named, alone or beside A's own
        attempts = [dict(workspace_ids=["b"]), dict(workspace_ids=["a", "b"])]
    if op.scope is Scope.WORKSPACE and "session_id" in op.params:
        attempts.append(dict(session_id=sid, workspace_id="a"))  # B's session as a filter in A
    if "memory_id" in op.params:
        attempts.append(dict(memory_id=mid, workspace_id="a"))  # B's memory id from A
    try:
        for ids in attempts:
            arguments = _arguments(op, **{k: v for k, v in ids.items() if k in op.params})
            try:
                result = intruder.call(op.name, **arguments)
            except (AccessDenied, NotFound):
                continue
            assert not result, f"{op.name}{ids} answered {result!r}"  # False, 0, []: nothing
    finally:
        intruder.close()
    with MemoryClient(base_url=server.url, api_key=server.key_b) as b:
        assert _state(b, sid) == before


@pytest.mark.parametrize("key", [None, "asm_000000000000_" + "x" * 32, "not-a-key"])
def test_without_a_valid_key_nothing_is_served(server: Server, key: str | None) -> None:
    with server.http(key) as http:
        response = http.post("/v1/sessions", json={"workspace_id": "a"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        if key:
            assert key not in response.text


def test_a_revoked_key_stops_at_once(server: Server) -> None:
    with MemoryClient(base_url=server.url, api_key=server.key_a) as a:
        a.create_session()
        server.keys.revoke("key-a")
        with pytest.raises(Unauthenticated):
            a.create_session()


def test_a_key_for_one_workspace_defaults_to_it(server: Server) -> None:
    with MemoryClient(base_url=server.url, api_key=server.key_a) as a:
        assert a.create_session().workspace_id == "a"
        assert a.remember("fact in a").workspace_id == "a"
    with MemoryClient(base_url=server.url, api_key=server.key_ab) as ab:
        with pytest.raises(ValueError, match="workspace_id is required"):
            ab.create_session()
        assert ab.create_session(workspace_id="b").workspace_id == "b"


def test_a_key_lists_exactly_its_own_workspaces(server: Server, workspace_b: Any) -> None:
    with MemoryClient(base_url=server.url, api_key=server.key_a) as a:
        assert [w.id for w in a.list_workspaces()] == ["a"]
    with MemoryClient(base_url=server.url, api_key=server.key_ab) as ab:
        listed = {w.id: w for w in ab.list_workspaces()}
    assert set(listed) == {"a", "b"}
    assert (listed["b"].sessions, listed["b"].active_sessions, listed["b"].memories) == (1, 1, 1)
    assert listed["a"].last_activity is None
