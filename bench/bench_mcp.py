"""B8: an MCP tool's round trip over stdio against a no-op tool in the same server.

The server is ``asm mcp``'s own stdio server (``serve_stdio``) with one tool added, ``bench_noop``,
that returns at once: the difference is what a memory tool costs above the SDK, the JSON-RPC
framing and the pipe. The client is the SDK's ``Client`` in another process, one call at a time.

    python bench/bench_mcp.py [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import table, write

NOOP = "bench_noop"


def _bench_server() -> type[Any]:
    import mcp_types as types

    from agent_session_memory.mcp_server.server import MemoryMCP

    class BenchMCP(MemoryMCP):
        async def list_tools(self, ctx: Any, params: Any) -> types.ListToolsResult:
            listed = await super().list_tools(ctx, params)
            noop = types.Tool(name=NOOP, input_schema={"type": "object"})
            return types.ListToolsResult(tools=[*listed.tools, noop])

        async def call(self, name: str, arguments: dict[str, Any], request: Any) -> Any:
            if name == NOOP:
                return types.CallToolResult(content=[types.TextContent(text="{}")])
            return await super().call(name, arguments, request)

    return BenchMCP


def serve(home: str) -> None:
    import anyio

    from agent_session_memory.mcp_server.run import serve_stdio

    anyio.run(serve_stdio, home, "bench", _bench_server())


async def _p50s(calls: int, rounds: int, home: str) -> dict[str, dict[str, float]]:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable, args=[__file__, "--serve", home], env=dict(os.environ)
    )
    async with Client(params) as client:
        await client.call_tool("memory_session_start", {"ttl_seconds": 3600})
        await client.call_tool("memory_set_context", {"key": "task", "value": "bench"})
        await client.call_tool("memory_remember", {"content": "We deploy on Fridays"})
        cases: list[tuple[str, dict[str, Any]]] = [
            (NOOP, {}),
            ("memory_session_status", {}),
            ("memory_get_context", {"keys": ["task"]}),
            ("memory_set_context", {"key": "task", "value": {"goal": "bench", "step": 1}}),
            ("memory_recall", {"query": "when do we deploy?", "k": 5}),
        ]
        results: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in cases}
        for _ in range(rounds):
            for name, arguments in cases:
                for _ in range(max(5, calls // 10)):  # warm up
                    await client.call_tool(name, arguments)
                times = []
                for _ in range(calls):
                    start = time.perf_counter()
                    result = await client.call_tool(name, arguments)
                    times.append(time.perf_counter() - start)
                    assert not result.is_error, result.content
                times.sort()
                results[name].append((times[len(times) // 2], times[int(len(times) * 0.95)]))
    return {
        name: {
            "p50_ms": statistics.median(p50 for p50, _ in runs) * 1000,
            "p95_ms": statistics.median(p95 for _, p95 in runs) * 1000,
        }
        for name, runs in results.items()
    }


async def _in_process(calls: int, home: str) -> dict[str, float]:
    """The same operations on an embedded client in this process (no MCP): p50 in ms."""
    from agent_session_memory import AsyncMemoryClient

    async with AsyncMemoryClient(path=home, workspace_id="bench") as client:
        session = await client.create_session(3600)
        await client.set_context(session.id, "task", "bench")
        await client.remember("We deploy on Fridays")
        operations = {
            "memory_session_status": lambda: client.get_session(session.id),
            "memory_get_context": lambda: client.get_context(session.id, ["task"]),
            "memory_set_context": lambda: client.set_context(session.id, "task", {"step": 1}),
            "memory_recall": lambda: client.recall("when do we deploy?", k=5),
        }
        p50s = {}
        for name, operation in operations.items():
            for _ in range(max(5, calls // 10)):
                await operation()
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                await operation()
                times.append(time.perf_counter() - start)
            p50s[name] = statistics.median(times) * 1000
    return p50s


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as direct:
        figures = asyncio.run(_p50s(args.calls, args.rounds, home))
        in_process = asyncio.run(_in_process(args.calls, direct))
    noop = figures[NOOP]["p50_ms"]
    for name, f in figures.items():
        f["in_process_p50_ms"] = in_process.get(name, 0.0)
    rows = [
        [name, f["p50_ms"], f["p95_ms"], f["p50_ms"] - noop, f["in_process_p50_ms"]]
        for name, f in figures.items()
    ]
    print(f"B8 MCP tool round trip over stdio ({args.calls} calls x {args.rounds} rounds)")
    header = ["tool", "p50 ms", "p95 ms", "p50 above no-op (ms)", "same call in process p50 ms"]
    print(table(rows, header))
    print("goal: p50 <= 2 ms above the no-op tool")
    write("b8_mcp", {"calls": args.calls, "rounds": args.rounds, "figures": figures})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
