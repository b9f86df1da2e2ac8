"""Hostile input to every tool gives a tool error with our error code; the server keeps serving."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_session_memory.mcp_server.tools import TOOLS

from .conftest import asm_command, call, connect, error_of, http_process

pytestmark = pytest.mark.timeout(180)

MB = "x" * (1024 * 1024)

# (tool, arguments, the error code it must give). The session tools run after a session started.
NO_SESSION = [
    ("memory_session_status", {}, "session_not_found"),
    ("memory_session_commit", {"importance_threshold": 0.5}, "session_not_found"),
    ("memory_session_end", {"commit": True}, "session_not_found"),
    ("memory_set_context", {"key": "k", "value": 1}, "session_not_found"),
    ("memory_get_context", {}, "session_not_found"),
]
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("memory_session_start", {"ttl_seconds": "60"}, "invalid_input"),
    ("memory_session_start", {"ttl_seconds": -5}, "invalid_input"),
    ("memory_session_start", {"workspace_id": "no spaces/or slashes"}, "invalid_input"),
    ("memory_session_start", {"workspace_id": 7}, "invalid_input"),
    ("memory_session_start", {"bogus": 1}, "invalid_input"),
    ("memory_session_status", {"session_id": "no-such-session"}, "session_not_found"),
    ("memory_session_status", {"session_id": 12}, "invalid_input"),
    ("memory_session_commit", {"importance_threshold": 1.5}, "invalid_input"),
    ("memory_session_commit", {"importance_threshold": -0.1}, "invalid_input"),
    ("memory_session_commit", {"importance_threshold": "0.5"}, "invalid_input"),
    ("memory_session_commit", {"deduplicate": "yes"}, "invalid_input"),
    ("memory_session_end", {"commit": "true"}, "invalid_input"),
    ("memory_session_end", {"commit": True, "importance_threshold": 2}, "invalid_input"),
    ("memory_remember", {}, "invalid_input"),
    ("memory_remember", {"content": 5}, "invalid_input"),
    ("memory_remember", {"content": MB}, "limit_exceeded"),
    ("memory_remember", {"content": "ok", "importance": 1.01}, "invalid_input"),
    ("memory_remember", {"content": "ok", "tags": 5}, "invalid_input"),
    ("memory_recall", {}, "invalid_input"),
    ("memory_recall", {"query": "q", "k": "5"}, "invalid_input"),
    ("memory_recall", {"query": "q", "k": -1}, "invalid_input"),
    ("memory_recall", {"query": "q", "min_importance": 3}, "invalid_input"),
    ("memory_recall", {"query": "q", "since": "last tuesday"}, "invalid_input"),
    ("memory_recall", {"query": MB}, "limit_exceeded"),
    ("memory_briefing", {"lookback_hours": "24"}, "invalid_input"),
    ("memory_briefing", {"max_memories": -3}, "invalid_input"),
    ("memory_set_context", {"value": 1}, "invalid_input"),
    ("memory_set_context", {"key": "", "value": 1}, "invalid_input"),
    ("memory_set_context", {"key": "k", "value": MB}, "limit_exceeded"),
    ("memory_set_context", {"key": "k", "value": 1, "importance": 9}, "invalid_input"),
    ("memory_get_context", {"keys": 42}, "invalid_input"),
    ("memory_get_context", {"session_id": "no-such-session"}, "session_not_found"),
    ("memory_forget", {}, "invalid_input"),
    ("memory_forget", {"memory_id": ["a"]}, "invalid_input"),
    ("memory_forget", {"memory_id": "m", "workspace_id": "../etc"}, "invalid_input"),
]


def test_every_tool_has_hostile_cases() -> None:
    assert {tool.name for tool in TOOLS} == {case[0] for case in CASES}


async def _hostile_run(transport: str, home: Path) -> None:
    async with connect(transport, home) as client:
        for tool, arguments, code in NO_SESSION:
            error = await error_of(client, tool, arguments)
            assert (error["code"], "memory_session_start" in error["message"]) == (code, True)
        await call(client, "memory_session_start", {"workspace_id": "hostile"})
        failures = []
        for tool, arguments, code in CASES:
            error = await error_of(client, tool, arguments)
            if error["code"] != code:
                failures.append((tool, list(arguments), error))
        assert failures == []
        unknown = await client.call_tool("memory_nothing", {})
        assert unknown.is_error and unknown.structured_content["error"]["code"] == "not_found"
        # still serving, and none of it was stored
        await call(client, "memory_set_context", {"key": "alive", "value": True})
        assert await call(client, "memory_get_context", {}) == {"value": {"alive": True}}
        assert (await call(client, "memory_recall", {"query": "ok"}))["hits"] == []


async def test_hostile_input_over_stdio(home: Path) -> None:
    await _hostile_run("stdio", home)


async def test_hostile_input_over_http(home: Path) -> None:
    await _hostile_run("http", home)


def _raw_stdio(home: Path, lines: list[str]) -> list[dict[str, Any]]:
    """Raw JSON-RPC lines to ``asm mcp`` (the SDK client cannot even send a lone surrogate)."""
    hello = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"},
        },
    }
    script = [json.dumps(hello), '{"jsonrpc": "2.0", "method": "notifications/initialized"}']
    proc = subprocess.Popen(
        asm_command(home, "mcp"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="surrogatepass",
    )
    assert proc.stdin and proc.stdout
    replies = []
    for line in [*script, *lines]:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        if '"id"' in line:
            replies.append(json.loads(proc.stdout.readline()))
    proc.stdin.close()
    proc.wait(timeout=30)
    return replies[1:]


LONE = "\\ud800"


def test_lone_surrogates_get_a_tool_error_and_the_server_keeps_serving(home: Path) -> None:
    calls = [
        ("memory_session_start", {"workspace_id": f"w{LONE}"}),
        ("memory_remember", {"content": f"a {LONE} b"}),
        ("memory_recall", {"query": "q", "tags": [f"{LONE}"]}),
        ("memory_briefing", {f"{LONE}": 1}),
        ("memory_forget", {"memory_id": f"{LONE}"}),
        ("memory_set_context", {"key": f"k{LONE}", "value": 1}),
    ]
    lines = []
    for n, (tool, arguments) in enumerate(calls, 1):
        body = json.dumps(arguments).replace("\\\\ud800", LONE)
        lines.append(
            f'{{"jsonrpc": "2.0", "id": {n}, "method": "tools/call", '
            f'"params": {{"name": "{tool}", "arguments": {body}}}}}'
        )
    lines.append(
        '{"jsonrpc": "2.0", "id": 99, "method": "tools/call", '
        '"params": {"name": "memory_recall", "arguments": {"query": "still here"}}}'
    )
    replies = _raw_stdio(home, lines)
    assert [reply["id"] for reply in replies] == [*range(1, len(calls) + 1), 99]
    for reply in replies[:-1]:
        result = reply["result"]
        assert result["isError"] is True, reply
        code = result["structuredContent"]["error"]["code"]
        assert code in ("invalid_input", "session_not_found")
    assert replies[-1]["result"]["structuredContent"] == {"hits": []}


def surrogate_call(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    body = (
        '{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": '
        f'"memory_remember", "arguments": {{"content": "a {LONE}"}}}}}}'
    )
    response = httpx.post(
        url,
        content=body.encode(),
        headers={
            "content-type": "application/json",
            "accept": "application/json, text/event-stream",
            "mcp-protocol-version": "2026-07-28",
            **(headers or {}),
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    assert reply["id"] == 7 and reply["result"]["isError"] is True
    return reply["result"]["structuredContent"]["error"]


async def test_a_lone_surrogate_over_http_gets_a_tool_error_and_the_server_keeps_serving(
    home: Path,
) -> None:
    from mcp import Client

    with http_process(home) as url:
        error = surrogate_call(url)
        assert (error["code"], error["details"]["field"]) == ("invalid_input", "content")
        async with Client(url) as client:
            assert (await call(client, "memory_recall", {"query": "alive"}))["hits"] == []
