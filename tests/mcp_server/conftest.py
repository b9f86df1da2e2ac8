"""Real MCP clients (the SDK's) on real servers: ``asm mcp`` over stdio and ``asm mcp --http``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client, StdioServerParameters

from tests.live_server import free_port, serve_in_thread

ASM = [sys.executable, "-m", "agent_session_memory.cli"]


def asm_command(home: Path, *args: str) -> list[str]:
    return [*ASM, "--path", str(home), *args]


def stdio_params(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> StdioServerParameters:
    command = asm_command(home, *args, "mcp")
    return StdioServerParameters(
        command=command[0], args=command[1:], env={**os.environ, **(env or {})}
    )


@contextlib.contextmanager
def http_process(home: Path, *args: str) -> Iterator[str]:
    """``asm mcp --http`` as a child process; yields its MCP endpoint."""
    port = free_port()
    proc = subprocess.Popen(
        asm_command(home, *args, "mcp", "--http", "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        _wait_listening(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_listening(url: str, proc: subprocess.Popen[str]) -> None:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"asm mcp --http exited: {output}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("asm mcp --http did not listen within 60 s")


@contextlib.asynccontextmanager
async def connect(transport: str, home: Path) -> AsyncIterator[Client]:
    """A connected SDK client: stdio (a subprocess) or streamable HTTP (the handshake era, whose
    ``Mcp-Session-Id`` is the connection Claude Code keeps)."""
    if transport == "stdio":
        async with Client(stdio_params(home)) as client:
            yield client
        return
    if transport == "stdio-remote":  # asm mcp as a client of asm serve (AGENT_MEMORY_URL)
        with serve_in_thread(home=home) as url:
            command = [*ASM, "mcp"]
            params = StdioServerParameters(
                command=command[0],
                args=command[1:],
                env={**os.environ, "AGENT_MEMORY_URL": url},
            )
            async with Client(params) as client:
                yield client
        return
    with http_process(home) as url:
        async with Client(url, mode="legacy") as client:
            yield client


async def call(client: Client, tool: str, arguments: dict[str, Any] | None = None) -> Any:
    """A tool's structured result; fails the test on a tool error."""
    result = await client.call_tool(tool, arguments or {})
    assert not result.is_error, f"{tool}: {result.content}"
    return result.structured_content


async def error_of(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The error a tool call gives (it must be a tool error, with our error code)."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, f"{tool}({arguments}) should fail: {result.structured_content}"
    error: dict[str, Any] = result.structured_content["error"]
    assert result.content[0].text.startswith(error["code"] + ":")
    return error


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"
