"""Two stateless ``asm serve`` processes over Redis + a Chroma server + PostgreSQL: whatever one
process is told, the other knows; racing commits create one memory, not two."""

from __future__ import annotations

import threading
import uuid

from agent_session_memory import MemoryClient


def test_a_session_created_on_a_is_used_committed_and_recalled_on_b(two_servers: list[str]) -> None:
    a, b = two_servers
    ws = f"ws{uuid.uuid4().hex[:8]}"
    with (
        MemoryClient(base_url=a, workspace_id=ws) as ca,
        MemoryClient(base_url=b, workspace_id=ws) as cb,
    ):
        session = ca.create_session(ttl_seconds=600)
        ca.set_context(
            session.id, "db", "We store canonical memories in PostgreSQL", importance=0.9
        )
        cb.set_context(session.id, "cache", "Sessions live in Redis with a TTL", importance=0.8)
        assert cb.get_context(session.id, ["db", "cache"]) == {
            "db": "We store canonical memories in PostgreSQL",
            "cache": "Sessions live in Redis with a TTL",
        }
        result = cb.commit_session(session.id, min_importance=0.5)
        assert result.memories_created == 2
        for client in (ca, cb):  # dense and lexical halves both answer on either process
            hits = client.recall("where are canonical memories stored?", k=2)
            assert hits[0].memory.content == "db: We store canonical memories in PostgreSQL"
            lexical = client.recall("PostgreSQL", k=1)
            assert lexical[0].memory.content == "db: We store canonical memories in PostgreSQL"
        ca.end_session(session.id, commit=False)
        assert cb.get_session(session.id).status == "ended"


def test_racing_commits_on_two_processes_create_one_memory(two_servers: list[str]) -> None:
    ws = f"ws{uuid.uuid4().hex[:8]}"
    text = "The deploy window is Tuesday 14:00 UTC"
    clients = [MemoryClient(base_url=url, workspace_id=ws) for url in two_servers]
    try:
        sessions = []
        for n in range(6):  # six sessions learnt the same fact; three commit through each process
            client = clients[n % 2]
            sid = client.create_session(ttl_seconds=600).id
            client.set_context(sid, "deploy_window", text, importance=0.9)
            sessions.append((client, sid))
        created: list[int] = []
        start = threading.Barrier(len(sessions))

        def commit(client: MemoryClient, sid: str) -> None:
            start.wait()
            created.append(client.commit_session(sid, deduplicate=True).memories_created)

        threads = [threading.Thread(target=commit, args=pair) for pair in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert sum(created) == 1 and len(created) == len(sessions)
        listed = clients[0].list_memories()
        assert [m.content for m in listed] == [f"deploy window: {text}"]
    finally:
        for client in clients:
            client.close()
