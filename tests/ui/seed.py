"""Seeded workspaces for the inspector's browser tests and its screenshots.

Written through the client (the HTTP API), as an agent would: sessions with working memory and
messages, commits with a supersession and a merge, an expired session auto-committed by a sweep,
memories remembered directly, and a second workspace that a key for the first must never show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from agent_session_memory import MemoryClient

WS = "acme"
OTHER = "other"
BULK = "bulk"  # filled by the paging test only
SECRET = "B-only secret: the launch code is 0000"


@dataclass
class Seeded:
    active: str = ""  # a live session with working memory and messages
    ended: str = ""
    expired: str = ""
    old_auth: str = ""  # superseded by new_auth
    new_auth: str = ""
    merged: str = ""  # a memory a near-duplicate was merged into
    deploys: str = ""  # remembered directly, tags ["ops"]
    ids: dict[str, str] = field(default_factory=dict)


def seed(client: MemoryClient) -> Seeded:
    out = Seeded()
    ended = client.create_session(3600, WS, metadata={"title": "Fix the login timeout"})
    out.ended = ended.id
    client.set_context(ended.id, "task", {"goal": "Fix the login timeout", "status": "done"})
    client.set_context(ended.id, "auth", "Access tokens are JWTs that expire after 15 minutes", 0.9)
    client.set_context(ended.id, "database", "The main database is PostgreSQL 16", 0.8)
    client.add_messages(
        ended.id,
        [
            {"role": "user", "content": "Users get logged out after 15 minutes. Why?"},
            {"role": "assistant", "content": "The JWT expiry is 15 minutes; I will raise it."},
        ],
    )
    client.end_session(ended.id, commit=True)

    active = client.create_session(3600, WS, metadata={"title": "Refresh tokens"})
    out.active = active.id
    client.set_context(
        active.id,
        "auth",
        "Access tokens are JWTs that expire after 30 minutes, renewed with refresh tokens",
        0.9,
    )
    client.set_context(active.id, "primary_database", "The main database is PostgreSQL 16", 0.8)
    client.commit_session(active.id)
    client.set_context(active.id, "task", {"goal": "Ship refresh tokens", "status": "in progress"})
    client.set_context(active.id, "blocker", "Waiting for the security review of the token store")
    client.get_context(active.id, "task")
    client.add_messages(
        active.id,
        [
            {"role": "system", "content": "You are the team's coding agent."},
            {"role": "user", "content": "Add refresh tokens so people stay logged in."},
            {"role": "assistant", "content": "Done in auth/refresh.py; waiting for review."},
        ],
    )

    expired = client.create_session(1, WS, metadata={"title": "Migrate the sessions table"})
    out.expired = expired.id
    client.set_context(expired.id, "todo", "Migrate the sessions table to the new schema", 0.7)
    deploys = client.remember(
        "Deploys happen on Fridays only with an approval from the on-call engineer",
        type="decision",
        importance=0.8,
        tags=["ops", "deploy"],
        workspace_id=WS,
    )
    out.deploys = deploys.id
    client.remember(
        "Alice prefers short written summaries over meetings",
        type="preference",
        importance=0.6,
        tags=["team"],
        workspace_id=WS,
    )
    client.remember(SECRET, importance=0.9, workspace_id=OTHER)
    time.sleep(1.1)
    client.sweep(workspace_id=WS)

    memories = client.list_memories(workspace_id=WS, include_superseded=True, limit=100)
    by_content = {m.content: m for m in memories}
    for m in memories:
        out.ids[m.content] = m.id
        if m.key == "auth" and m.superseded_by:
            out.old_auth = m.id
        elif m.key == "auth":
            out.new_auth = m.id
        if len(m.source_sessions) > 1:
            out.merged = m.id
    assert by_content, "seeding wrote no memory"
    return out
