"""``asm mcp`` (the MCP server, extra [mcp]) and ``asm hook`` (the Claude Code hooks)."""

from __future__ import annotations

import argparse

from ..errors import ConfigurationError


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ..mcp_server.hooks import DEFAULT_TIMEOUT, DEFAULT_TTL, EVENTS

    p = sub.add_parser("mcp", help="run the MCP server on stdio, or --http (extra [mcp])")
    p.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="address for --http (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port for --http (default 8765)")
    p = sub.add_parser("hook", help="a Claude Code hook: reads its JSON on stdin, never fails")
    p.add_argument("event", choices=EVENTS)
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"give up (exit 0) after this many seconds (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--ttl", type=float, default=DEFAULT_TTL, help="TTL of a session it starts (seconds)"
    )
    p.add_argument(
        "--min-importance", type=float, default=0.5, help="commit threshold (default 0.5)"
    )


def cmd_mcp(args: argparse.Namespace) -> int:
    from ..mcp_server import require_sdk

    require_sdk()
    from ..mcp_server.run import run_http, run_stdio

    if args.http:
        if args.host not in ("127.0.0.1", "::1", "localhost"):
            raise ConfigurationError(
                "asm mcp --http has no API keys: it binds to loopback only "
                "(mount it in asm serve for keys)"
            )
        run_http(args.path, args.workspace, args.host, args.port)
    else:
        run_stdio(args.path, args.workspace)
    return 0


def cmd_hook(args: argparse.Namespace) -> int:
    from ..mcp_server.hooks import HookOptions, run_hook

    options = HookOptions(
        event=args.event,
        path=args.path,
        workspace_id=args.workspace,
        timeout=args.timeout,
        ttl_seconds=args.ttl,
        min_importance=args.min_importance,
    )
    return run_hook(options)
