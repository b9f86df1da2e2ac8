"""``asm serve`` (the HTTP API) and ``asm keys`` (its API keys)."""

from __future__ import annotations

import argparse
import os
import sys

from ..config import Settings
from ..errors import ConfigurationError, MissingExtra


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="run the HTTP API (extra [server])")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    p.add_argument("--open", action="store_true", help="no API key needed (binds to loopback only)")
    p.add_argument(
        "--sweep-interval", type=float, help="seconds between auto-commit sweeps (0: off)"
    )
    p.add_argument("--access-log", action="store_true", help="log every request")
    p = sub.add_parser("keys", help="create, list and revoke the server's API keys")
    keys = p.add_subparsers(dest="keys_command", required=True)
    k = keys.add_parser("create", help="a new key, shown once")
    k.add_argument(
        "--workspace",
        dest="workspaces",
        action="append",
        required=True,
        help="a workspace the key reaches (repeatable)",
    )
    k.add_argument("--name", help="a name to find it by")
    keys.add_parser("list", help="every key (never their secrets)")
    k = keys.add_parser("revoke", help="revoke a key by id or name")
    k.add_argument("key", help="the key's id or name")


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise MissingExtra("server", "uvicorn") from None
    if args.open and args.host not in ("127.0.0.1", "::1", "localhost"):
        raise ConfigurationError("--open serves without keys, so it binds to loopback only")
    if args.path:
        os.environ["AGENT_MEMORY_HOME"] = args.path
    if args.workspace:
        os.environ["AGENT_MEMORY_WORKSPACE"] = args.workspace
    if args.open:
        os.environ["AGENT_MEMORY_OPEN"] = "1"
    if args.sweep_interval is not None:
        os.environ["AGENT_MEMORY_SWEEP_INTERVAL"] = str(args.sweep_interval)
    url = f"http://{args.host}:{args.port}"
    if args.open:
        print(f"asm serve: open mode, no API key needed, on {url} (loopback only)", file=sys.stderr)
    else:
        print(
            f"asm serve: on {url}; every request needs an API key (asm keys create)",
            file=sys.stderr,
        )
    uvicorn.run(
        "agent_session_memory.server.factory:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        timeout_graceful_shutdown=30,
        log_level="info",
    )
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from ..server.keys import open_keys

    store = open_keys(Settings.from_env(home=args.path))
    try:
        if args.keys_command == "create":
            key, token = store.create(args.workspaces, args.name)
            print(token)
            print(
                f"key {key.id} ({key.name}) for {', '.join(key.workspaces)}, kept in "
                f"{store.where}: store it now, it is not shown again",
                file=sys.stderr,
            )
        elif args.keys_command == "list":
            for key in store.list():
                state = "revoked" if key.revoked_at else "active"
                print(f"{key.id}  {key.name:<20} {state:<8} {', '.join(key.workspaces)}")
        else:
            key = store.revoke(args.key)
            print(f"revoked {key.id} ({key.name}) in {store.where}", file=sys.stderr)
    finally:
        store.close()
    return 0
