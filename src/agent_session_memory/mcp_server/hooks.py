"""Claude Code hooks: brief at the start, commit at compaction and at the end, by themselves.

``asm hook session-start`` starts (or resumes) a memory session keyed by Claude Code's own
session id and prints the briefing for Claude Code to add to the context; ``pre-compact``,
``stop`` and ``session-end`` put what matters from the transcript into the session's working
memory and commit it (``session-end`` also ends the session). The key lives in the session's
metadata, so the hooks keep no state of their own and work embedded or against a server.

A hook never blocks or fails the user's session: it reads at most ``MAX_INPUT`` bytes, runs
under a watchdog (``--timeout``), and on any error prints a note and exits 0.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ..client.sync_client import MemoryClient
from ..errors import AgentMemoryError
from ..models import Session
from .briefing_text import briefing_markdown
from .transcript import read_transcript
from .workspace import default_workspace

EVENTS = ("session-start", "pre-compact", "stop", "session-end")
CLAUDE_KEY = "claude_code_session_id"
MAX_INPUT = 1024 * 1024
DEFAULT_TIMEOUT = 20.0
DEFAULT_TTL = 4 * 3600.0


@dataclass(frozen=True)
class HookOptions:
    event: str
    path: str | None = None
    workspace_id: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    ttl_seconds: float = DEFAULT_TTL
    min_importance: float = 0.5


def run_hook(
    options: HookOptions, stdin: IO[str] | None = None, stdout: IO[str] | None = None
) -> int:
    """Run one hook; always returns 0. The watchdog ends the process at ``options.timeout``."""
    out = stdout or sys.stdout
    answered = threading.Lock()  # the hook's answer or the watchdog's, never both
    watchdog = _watchdog(options, out, answered)
    try:
        payload = _payload(stdin or sys.stdin)
        output = _handle(options, payload)
    except AgentMemoryError as exc:
        output = _note(options.event, f"{exc.code}: {exc.message}")
    except Exception as exc:  # a hook must never fail the user's session
        output = _note(options.event, f"{type(exc).__name__}: {exc}")
    finally:
        watchdog.cancel()
    if answered.acquire(blocking=False) and output:
        _write(out, output)
    return 0


def _write(out: IO[str], output: dict[str, Any]) -> None:
    out.write(json.dumps(output) + "\n")  # ASCII: no input's lone surrogate can break it
    out.flush()


def _watchdog(options: HookOptions, out: IO[str], answered: threading.Lock) -> threading.Timer:
    def expire() -> None:
        if answered.acquire(blocking=False):
            _write(out, _note(options.event, f"gave up after {options.timeout:g} s"))
        os._exit(0)  # the store may be stuck in a call no thread can interrupt

    timer = threading.Timer(options.timeout, expire)
    timer.daemon = True
    timer.start()
    return timer


def _note(event: str, reason: str) -> dict[str, Any]:
    reason = reason.encode("utf-8", "replace").decode("utf-8")
    print(f"asm hook {event}: {reason}", file=sys.stderr)
    return {"systemMessage": f"agent-session-memory: {event} hook skipped ({reason})"}


def _payload(stdin: IO[str]) -> dict[str, Any]:
    text = stdin.read(MAX_INPUT + 1)
    if len(text) > MAX_INPUT:
        raise ValueError(f"hook input over {MAX_INPUT} bytes")
    payload = json.loads(text) if text.strip() else {}
    if not isinstance(payload, dict):
        raise ValueError("hook input is not a JSON object")
    return payload


def _handle(options: HookOptions, payload: dict[str, Any]) -> dict[str, Any] | None:
    claude_id = str(payload.get("session_id") or "")
    if not claude_id:
        raise ValueError("hook input has no session_id")
    if options.event == "stop" and payload.get("stop_hook_active"):
        return None  # Claude is continuing because of a stop hook: nothing new to save
    workspace = options.workspace_id or default_workspace(payload.get("cwd"))
    with MemoryClient(path=options.path, workspace_id=workspace) as client:
        return HANDLERS[options.event](client, options, payload, claude_id)


def _find(client: MemoryClient, claude_id: str) -> Session | None:
    """The active session this Claude Code session started (newest first)."""
    for session in client.list_sessions(status="active", limit=100):
        if session.metadata.get(CLAUDE_KEY) == claude_id:
            return session
    return None


def _start(
    client: MemoryClient, options: HookOptions, payload: dict[str, Any], claude_id: str
) -> Session:
    metadata = {CLAUDE_KEY: claude_id, "source": "claude-code", "cwd": payload.get("cwd")}
    return client.create_session(options.ttl_seconds, metadata=metadata, briefing=True)


def session_start(
    client: MemoryClient, options: HookOptions, payload: dict[str, Any], claude_id: str
) -> dict[str, Any]:
    session = _find(client, claude_id)
    if session is None:
        session = _start(client, options, payload, claude_id)
    else:
        client.touch_session(session.id)
    briefing = session.briefing or client.get_briefing()
    context = (
        f"{briefing_markdown(briefing)}\n\n"
        f"Memory session {session.id} (workspace {session.workspace_id}) is open for this "
        "conversation and is committed automatically. With the memory MCP tools, pass "
        f'session_id="{session.id}" to keep the task and findings in its working memory.'
    )
    return {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": context}}


def _capture(
    client: MemoryClient, options: HookOptions, payload: dict[str, Any], claude_id: str
) -> tuple[Session, bool]:
    """The session (started now if no session-start hook ran) with the transcript's digest
    written to its working memory; True if any item changed."""
    session = _find(client, claude_id) or _start(client, options, payload, claude_id)
    items = read_transcript(payload.get("transcript_path")).items()
    answer = payload.get("last_assistant_message")
    if isinstance(answer, str) and answer.strip():
        items["latest_outcome"] = answer.strip()[:2000]
    if not items:
        return session, False
    current = client.get_context(session.id, list(items))
    current = current if isinstance(current, dict) else {next(iter(items)): current}
    changed = {key: value for key, value in items.items() if current.get(key) != value}
    if changed:
        client.set_contexts(session.id, changed)
    return session, bool(changed)


def pre_compact(
    client: MemoryClient, options: HookOptions, payload: dict[str, Any], claude_id: str
) -> None:
    session, _ = _capture(client, options, payload, claude_id)
    client.commit_session(session.id, min_importance=options.min_importance)


def stop(
    client: MemoryClient, options: HookOptions, payload: dict[str, Any], claude_id: str
) -> None:
    """After each answer: commit only when the transcript brought something new (a commit loads
    the embedding model); what the model wrote meanwhile is committed at compaction and end."""
    session, changed = _capture(client, options, payload, claude_id)
    if changed:
        client.commit_session(session.id, min_importance=options.min_importance)
    client.touch_session(session.id)


def session_end(
    client: MemoryClient, options: HookOptions, payload: dict[str, Any], claude_id: str
) -> None:
    session, _ = _capture(client, options, payload, claude_id)
    client.end_session(session.id, commit=True, min_importance=options.min_importance)


Handler = Callable[[MemoryClient, HookOptions, dict[str, Any], str], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {
    "session-start": session_start,
    "pre-compact": pre_compact,
    "stop": stop,
    "session-end": session_end,
}
