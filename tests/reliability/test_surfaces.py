"""The HTTP and MCP surfaces, fuzzed like the engine (``test_every_parameter.py``): every call with
hostile parameters (lone surrogates, huge integers, wrong types, NUL, oversize) either succeeds or
answers a typed error (HTTP 4xx with our error body; an MCP tool error with our error code), and
a refused call changes nothing.

The requests are built by hand, not by our client: the client refuses much of this before
sending, and what is tested here is what the server does with whatever arrives. Lone surrogates
travel as JSON escapes (``"\\ud800"``) and as invalid UTF-8 in query strings, NaN as JSON's
``NaN`` token, integers at any size. Bounded: ``SURFACE_EXAMPLES`` (default 12) per group.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_session_memory import MemoryClient
from agent_session_memory.contract import OPERATIONS, Operation
from agent_session_memory.errors import AgentMemoryError
from agent_session_memory.mcp_server.tools import TOOLS
from tests.live_server import serve_in_thread
from tests.mcp_server.conftest import http_process

from .strategies import MISSING, param_values
from .test_every_parameter import GROUPS, World

EXAMPLES = int(os.environ.get("SURFACE_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What a healthy server may answer for bad input: every code of the error tree but those that
# blame the server itself or its storage.
SERVER_FAULTS = {"internal_error", "backend_unavailable", "configuration_error", "missing_extra"}


def _codes(cls: type[AgentMemoryError] = AgentMemoryError) -> set[str]:
    found = {str(cls.code)}
    for sub in cls.__subclasses__():
        found |= _codes(sub)
    return found


CALLER_CODES = _codes() - SERVER_FAULTS


def calls(group: list[str]) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """An operation of the group with one hostile parameter (or none), the rest fitting."""
    names = sorted(n for n, op in OPERATIONS.items() if op.service in group)

    @st.composite
    def draw_call(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
        name = draw(st.sampled_from(names))
        parameters = OPERATIONS[name].signature.parameters
        hostile = draw(st.sampled_from([None, *parameters]))
        params: dict[str, Any] = {}
        for pname, parameter in parameters.items():
            default = MISSING if parameter.default is inspect.Parameter.empty else parameter.default
            if pname != hostile and default is not MISSING and draw(st.booleans()):
                continue
            params[pname] = draw(param_values(pname, default, fitting_only=pname != hostile))
        return name, params

    return draw_call()


# -- HTTP ----------------------------------------------------------------------------------------
def _jsonish(value: Any) -> Any:
    """The nearest JSON a hostile caller can send: bytes as text, sets and tuples as lists."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonish(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}  # json.dumps makes keys text
    return value


def _dumps(value: Any) -> bytes:
    return json.dumps(_jsonish(value), ensure_ascii=True, allow_nan=True).encode()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def raw_request(http: httpx.Client, op: Operation, params: dict[str, Any]) -> httpx.Request:
    """The request as the route lays it out (path, query or body), encoded without refusals."""
    route = op.route
    path = route.path
    for name in route.path_params:
        segment = quote(_text(params.get(name, "")), safe="", errors="surrogatepass")
        path = path.replace("{" + name + "}", segment or "%20")
    rest = {k: v for k, v in params.items() if k not in route.path_params}
    body: bytes | None = None
    headers = {}
    if route.lines and isinstance(route.lines, str):
        records = rest.pop(route.lines, [])
        items = records if isinstance(records, (list, tuple)) else [records]
        body = b"\n".join(_dumps(r) for r in items)
        headers["content-type"] = "application/x-ndjson"
    elif not route.in_query:
        body, rest = _dumps(rest), {}
        headers["content-type"] = "application/json"
    query = [
        (name, _text(item))
        for name, value in rest.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    url = path + ("?" + urlencode(query, errors="surrogatepass") if query else "")
    return http.build_request(route.method, url, content=body, headers=headers)


@pytest.fixture(scope="module")
def http_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, World]]:
    home = tmp_path_factory.mktemp("http") / "home"
    with (
        serve_in_thread(home=home) as url,
        httpx.Client(base_url=url, timeout=60) as http,
        MemoryClient(base_url=url) as client,
    ):
        yield http, World(client)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_http_call_succeeds_or_answers_a_typed_4xx_and_changes_nothing(
    http_world: tuple[httpx.Client, World], group: str
) -> None:
    http, world = http_world

    @FUZZ
    @given(call=calls(GROUPS[group]))
    def run(call: tuple[str, dict[str, Any]]) -> None:
        name, drawn = call
        world.ready()
        params = {k: world.fill(v) for k, v in drawn.items()}
        before = world.snapshot()
        response = http.send(raw_request(http, OPERATIONS[name], params))
        if response.status_code < 400:
            return
        assert response.status_code < 500, (name, params, response.status_code, response.text)
        error = response.json()["error"]
        assert error["code"] in CALLER_CODES, (name, params, error)
        assert isinstance(error["message"], str) and error["message"]
        assert world.snapshot() == before, f"{name}({params!r}) failed but changed something"

    run()


# -- MCP -----------------------------------------------------------------------------------------
def tool_calls() -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A tool with one hostile argument (or none), the rest fitting, named as the tool names
    them (``importance_threshold``, ...)."""

    @st.composite
    def draw_call(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
        tool = draw(st.sampled_from(TOOLS))
        parameters = tool.op.signature.parameters
        hostile = draw(st.sampled_from([None, *tool.arguments]))
        arguments: dict[str, Any] = {}
        for argument, pname in tool.arguments.items():
            parameter = parameters[pname]
            default = MISSING if parameter.default is inspect.Parameter.empty else parameter.default
            if argument != hostile and draw(st.booleans()):
                continue  # left out: its default (or the tool says it is missing)
            arguments[argument] = draw(
                param_values(pname, default, fitting_only=argument != hostile)
            )
        return tool.name, arguments

    return draw_call()


# The per-request envelope of the stateless protocol version (what the SDK's client stamps).
ENVELOPE = (
    b'"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", '
    b'"io.modelcontextprotocol/clientCapabilities": {}}'
)


def mcp_call(url: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One ``tools/call`` over stateless HTTP, its JSON encoded by hand (see the module doc)."""
    body = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": '
    body += _dumps(tool) + b', "arguments": ' + _dumps(arguments) + b", " + ENVELOPE + b"}}"
    response = httpx.post(
        url,
        content=body,
        headers={
            "content-type": "application/json",
            "accept": "application/json, text/event-stream",
            "mcp-protocol-version": "2026-07-28",
            "mcp-method": "tools/call",
            "mcp-name": tool,
        },
        timeout=120,
    )
    assert response.status_code == 200, (tool, arguments, response.status_code, response.text)
    reply: dict[str, Any] = response.json()
    assert "result" in reply, (tool, arguments, reply)  # a tool error, never a protocol error
    result: dict[str, Any] = reply["result"]
    return result


@pytest.fixture(scope="module")
def mcp_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    home = tmp_path_factory.mktemp("mcp") / "home"
    with MemoryClient(path=str(home)) as client:
        world = World(client)
        world.ready()  # the home exists before the server opens it
        with http_process(home) as url:
            yield url, world


def test_every_mcp_tool_call_succeeds_or_is_a_typed_tool_error_and_changes_nothing(
    mcp_world: tuple[str, World],
) -> None:
    url, world = mcp_world

    @settings(FUZZ, max_examples=EXAMPLES * len(GROUPS))
    @given(call=tool_calls())
    def run(call: tuple[str, dict[str, Any]]) -> None:
        tool, drawn = call
        world.ready()
        arguments = {k: world.fill(v) for k, v in drawn.items()}
        before = world.snapshot()
        result = mcp_call(url, tool, arguments)
        if not result.get("isError"):
            return
        error = result["structuredContent"]["error"]
        assert error["code"] in CALLER_CODES, (tool, arguments, error)
        assert result["content"][0]["text"].startswith(error["code"] + ":")
        assert world.snapshot() == before, f"{tool}({arguments!r}) failed but changed something"

    run()


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("memory_session_start", {"workspace_id": None, "ttl_seconds": float("nan")}),
        ("memory_session_start", {"ttl_seconds": float("inf")}),
        ("memory_remember", {"content": "ok", "importance": float("-inf")}),
        ("memory_recall", {"query": "q", "min_score": float("nan")}),
    ],
)
def test_nan_and_infinity_sent_to_a_tool_are_invalid_input(
    mcp_world: tuple[str, World], tool: str, arguments: dict[str, Any]
) -> None:
    """The MCP SDK parses NaN and Infinity (JSON has neither); found by the fuzzer as a 500."""
    url, world = mcp_world
    world.ready()
    before = world.snapshot()
    result = mcp_call(url, tool, arguments)
    assert result["isError"] and result["structuredContent"]["error"]["code"] == "invalid_input"
    assert world.snapshot() == before
