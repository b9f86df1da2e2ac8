"""``asm demo``: the product doc's session lifecycle, step by step, on the embedded default."""

from __future__ import annotations

import json
from typing import Any

from ..client.sync_client import MemoryClient


def _step(title: str) -> None:
    print(f"\n== {title}")


def _show(label: str, value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    print(f"   {label:<22} {text}")


def run_demo(client: MemoryClient, workspace_id: str = "demo") -> None:
    _step("1. Start a session (TTL 1 hour)")
    session = client.create_session(ttl_seconds=3600, workspace_id=workspace_id)
    _show("session id", session.id)
    _show("status", session.status.value)
    _show("expires at", session.expires_at.isoformat(timespec="seconds"))

    _step("2. Working memory: store the task, the user, a decision")
    client.set_context(
        session.id, "current_task", {"description": "Debugging auth", "file": "auth.py"}
    )
    client.set_context(session.id, "user_name", "Alice")
    client.set_context(
        session.id,
        "decision_auth",
        "We decided to use JWT access tokens because the API is stateless",
    )
    client.set_context(session.id, "scratch_cursor", 42)
    _show("current_task", client.get_context(session.id, ["current_task"]))
    _show("several keys", client.get_context(session.id, ["user_name", "scratch_cursor"]))

    _step("3. During work: update the task atomically")
    task = client.update_context(
        session.id, "current_task", lambda t: {**t, "files_modified": ["auth.py"]}
    )
    _show("current_task", task)
    client.add_messages(
        session.id,
        [
            {"role": "user", "content": "Why do logins fail after an hour?"},
            {"role": "assistant", "content": "The refresh token is never rotated; fixing auth.py."},
        ],
    )
    _show("last messages", [m.content for m in client.get_messages(session.id, last_n=2)])

    _step("4. Keep it alive, then commit the important items")
    touched = client.touch_session(session.id)
    _show("new expiry", touched.expires_at.isoformat(timespec="seconds"))
    result = client.commit_session(session.id, min_importance=0.5, deduplicate=True)
    _show("memories created", result["memories_created"])
    _show("below threshold", result.below_threshold)
    _show("committed again", client.commit_session(session.id).memories_created)

    _step("5. End the session")
    ended = client.end_session(session.id)
    _show("status", ended.status.value)

    _step("6. Recall from long-term memory")
    for hit in client.recall(
        "what did we decide about authentication?", k=3, workspace_id=workspace_id
    ):
        _show(f"{hit.score:.3f}", hit.memory.content)

    _step("7. A new session starts with a briefing")
    second = client.create_session(ttl_seconds=3600, workspace_id=workspace_id, briefing=True)
    if second.briefing is not None:
        print("   " + second.briefing.recent_activity_summary)
        for thread in second.briefing.open_threads:
            _show(f"open ({thread.status.value})", thread.topic)
    client.delete_session(second.id)
    print("\nDone. Try: asm --workspace demo briefing   |   asm --workspace demo recall 'auth'")
