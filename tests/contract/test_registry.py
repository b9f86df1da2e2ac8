"""Every operation is declared once, and each surface is derived from that declaration.

A surface that lacks an operation, or whose parameters drift from the declaration, fails here.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.client.transport import bind_operations
from agent_session_memory.contract import OPERATIONS, Operation, Scope
from agent_session_memory.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
ALL = list(OPERATIONS.values())


def _shape(signature: inspect.Signature) -> tuple[list[Any], dict[str, Any]]:
    """Positional parameters in order, keyword-only ones by name: each with kind and default."""
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    keyword_only = inspect.Parameter.KEYWORD_ONLY
    positional = [(p.name, p.kind, p.default) for p in parameters if p.kind is not keyword_only]
    return positional, {p.name: p.default for p in parameters if p.kind is keyword_only}


def test_the_generated_clients_are_current() -> None:
    script = ROOT / "scripts" / "generate.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize("client", [AsyncMemoryClient, MemoryClient])
@pytest.mark.parametrize("op", ALL, ids=lambda op: op.name)
def test_each_client_method_is_the_declaration(client: type, op: Operation) -> None:
    method = getattr(client, op.name)
    assert _shape(inspect.signature(method)) == _shape(op.signature)
    assert inspect.getdoc(method) == op.description
    assert inspect.iscoroutinefunction(method) is (client is AsyncMemoryClient)


@pytest.mark.parametrize("op", ALL, ids=lambda op: op.name)
def test_the_engine_implements_each_declaration(tmp_path: Path, op: Operation) -> None:
    implementation = bind_operations(_engine(tmp_path))[op.name]
    assert _shape(inspect.signature(implementation)) == _shape(op.signature)


def _engine(tmp_path: Path) -> Engine:
    from agent_session_memory.config import Settings

    return Engine(Settings(home=tmp_path / "home"))


def test_the_dispatch_is_exactly_the_registry(tmp_path: Path) -> None:
    assert set(bind_operations(_engine(tmp_path))) == set(OPERATIONS)


@pytest.mark.parametrize("op", ALL, ids=lambda op: op.name)
def test_each_operation_is_described_for_people_and_models(op: Operation) -> None:
    assert op.summary and op.summary[0].isupper() and op.summary.endswith((".", ")"))
    assert all(text.strip() for text in op.params.values()), op.params
    schema = op.params_schema()
    assert set(schema["properties"]) == set(op.signature.parameters)
    for name, prop in schema["properties"].items():
        assert prop["description"] == op.params[name]
    assert schema.get("additionalProperties") is False
    op.result_schema()  # every result type has a JSON Schema


@pytest.mark.parametrize("op", ALL, ids=lambda op: op.name)
def test_scope_is_named_by_the_parameters(op: Operation) -> None:
    names = set(op.signature.parameters)
    expected = {
        Scope.SESSION: "session_id",
        Scope.WORKSPACE: "workspace_id",
        Scope.WORKSPACES: "workspace_ids",
    }[op.scope]
    assert expected in names
    if op.scope is Scope.SESSION:
        assert "workspace_id" not in names, "a session names its own workspace"


def test_routes_are_unique_and_under_v1() -> None:
    routes = [(op.route.method, op.route.path) for op in ALL]
    assert len(routes) == len(set(routes))
    assert all(path.startswith("/v1/") for _, path in routes)
    for op in ALL:
        if op.route.method == "GET":
            assert op.idempotent, op.name


def test_parameters_must_all_be_described() -> None:
    from agent_session_memory.contract.operation import Route, operation

    with pytest.raises(TypeError, match="described"):

        @operation(
            service="sessions",
            scope=Scope.SESSION,
            route=Route("GET", "/v1/x/{session_id}"),
            idempotent=True,
            params={"session_id": "The id."},
        )
        def undocumented(session_id: str, extra: int = 0) -> int:
            """Nothing."""
