"""``asm``: the memory home and its services from the shell (see docs/cli.md)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..client.sync_client import MemoryClient
from ..errors import AgentMemoryError
from . import maintenance
from .call import add_parser as add_call_parser
from .call import cmd_call
from .mcp import add_parsers as add_mcp_parsers
from .mcp import cmd_hook, cmd_mcp
from .progress import progress
from .records_io import read_records
from .serve import add_parsers as add_server_parsers
from .serve import cmd_keys, cmd_serve
from .ui import add_parser as add_ui_parser
from .ui import cmd_ui

Handler = Callable[[MemoryClient, argparse.Namespace], int]
HomeHandler = Callable[[argparse.Namespace], int]


def _client(args: argparse.Namespace) -> MemoryClient:
    return MemoryClient(path=args.path, workspace_id=args.workspace)


def cmd_demo(client: MemoryClient, args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(client, workspace_id=args.workspace or "demo")
    return 0


def cmd_sessions(client: MemoryClient, args: argparse.Namespace) -> int:
    sessions = client.list_sessions(include_expired=not args.active, limit=args.limit)
    for s in sessions:
        print(
            f"{s.id}  {s.status.value:<8} created {s.created_at:%Y-%m-%d %H:%M}  "
            f"expires {s.expires_at:%Y-%m-%d %H:%M}"
        )
    if not sessions:
        print("no sessions")
    return 0


def cmd_briefing(client: MemoryClient, args: argparse.Namespace) -> int:
    from .briefing_view import render_briefing

    print(render_briefing(client.get_briefing(lookback_hours=args.hours)))
    return 0


def cmd_recall(client: MemoryClient, args: argparse.Namespace) -> int:
    hits = client.recall(args.query, k=args.k, tags=args.tag or None, types=args.type or None)
    for n, hit in enumerate(hits, 1):
        m = hit.memory
        print(f"{n:>2}. [{hit.score:.3f}] ({m.type}, importance {m.importance:.2f}) {m.content}")
    if not hits:
        print("no memories match")
    return 0


def cmd_export(client: MemoryClient, args: argparse.Namespace) -> int:
    records = client.export_workspace()
    out = sys.stdout if args.file == "-" else open(args.file, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for record in progress(records, len(records), "exporting"):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"exported {len(records)} memories", file=sys.stderr)
    return 0


def cmd_import(client: MemoryClient, args: argparse.Namespace) -> int:
    records = read_records(Path(args.file), progress)
    result = client.import_workspace(records, on_conflict=args.on_conflict)
    print(
        f"imported {result.imported} memories ({result.skipped} existing skipped, "
        f"{result.replaced} replaced)",
        file=sys.stderr,
    )
    return 0


def cmd_gc(args: argparse.Namespace) -> int:
    """The home's operator command: every workspace, unless ``--workspace`` names one. It opens
    the engine itself because sweeping every workspace is no client operation."""
    from ..config import Settings
    from ..engine import Engine

    engine = Engine(Settings.from_env(home=args.path))
    try:
        lifecycle = engine.lifecycle
        if args.workspace is None:
            results = lifecycle.sweep_home()
        else:
            results = lifecycle.sweep(workspace_id=args.workspace)
        created = sum(r.memories_created for r in results)
        print(f"committed {len(results)} expired sessions ({created} new memories)")
        maintenance.after_sweep(engine, args)
    finally:
        engine.close()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asm", description=__doc__)
    parser.add_argument(
        "--path", help="memory home (default: $AGENT_MEMORY_HOME or ~/.agent-session-memory)"
    )
    parser.add_argument("--workspace", "-w", help="workspace id (default: 'default')")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("demo", help="run the sessions walkthrough on the embedded default")
    p = sub.add_parser("sessions", help="list a workspace's sessions")
    p.add_argument("--active", action="store_true", help="hide expired sessions")
    p.add_argument("--limit", type=int, default=50)
    p = sub.add_parser("briefing", help="what happened lately and what is still open")
    p.add_argument("--hours", type=float, default=24, help="look-back window (default 24)")
    p = sub.add_parser("recall", help="search long-term memory")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--tag", action="append", help="only memories with this tag (repeatable)")
    p.add_argument("--type", action="append", help="only memories of this type (repeatable)")
    p = sub.add_parser("export", help="write a workspace's memories as JSON lines")
    p.add_argument("file", nargs="?", default="-", help="output file (default: stdout)")
    p = sub.add_parser("import", help="read memories from JSON lines into a workspace")
    p.add_argument("file")
    p.add_argument(
        "--on-conflict",
        choices=("error", "skip", "replace"),
        default="error",
        help="an id the workspace already holds: refuse the import (default), skip it, replace it",
    )
    p = sub.add_parser(
        "gc", help="commit expired sessions now: every workspace, or the one --workspace names"
    )
    p.add_argument("--compact", action="store_true", help="also give freed space back to disk")
    add_server_parsers(sub)
    add_call_parser(sub)
    add_mcp_parsers(sub)
    add_ui_parser(sub)
    maintenance.add_parsers(sub)
    return parser


CLIENT_COMMANDS: dict[str, Handler] = {
    "call": cmd_call,
    "demo": cmd_demo,
    "sessions": cmd_sessions,
    "briefing": cmd_briefing,
    "recall": cmd_recall,
    "export": cmd_export,
    "import": cmd_import,
}
HOME_COMMANDS: dict[str, HomeHandler] = {  # the whole home, not one workspace
    "gc": cmd_gc,
    "serve": cmd_serve,
    "keys": cmd_keys,
    "mcp": cmd_mcp,
    "hook": cmd_hook,
    "ui": cmd_ui,
    **maintenance.COMMANDS,
}
COMMANDS = (*CLIENT_COMMANDS, *HOME_COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in HOME_COMMANDS:
            code = HOME_COMMANDS[args.command](args)
        else:
            with _client(args) as client:
                code = CLIENT_COMMANDS[args.command](client, args)
        sys.stdout.flush()  # here, so that a full disk (/dev/full) is reported below
        return code
    except AgentMemoryError as exc:
        print(f"asm: {exc.code}: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:  # a missing file, a full disk, a closed pipe: said, not a traceback
        print(f"asm: io_error: {exc}", file=sys.stderr)
        return 2
