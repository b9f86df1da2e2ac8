"""API keys in server mode live in PostgreSQL: a key made by ``asm keys`` anywhere is accepted by
every ``asm serve`` process of the deployment, and a revoke through any is refused by all of them
at their next request (no process keeps a copy)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from agent_session_memory import MemoryClient, Unauthenticated
from tests.live_server import serve_process


@pytest.fixture
def shared_env(server_env: dict[str, str], postgres_admin: str) -> Iterator[dict[str, str]]:
    """The deployment's environment on a fresh database of its own (only its keys in it)."""
    from tests.postgres_server import fresh_database

    with fresh_database(postgres_admin) as url:
        yield {**server_env, "AGENT_MEMORY_LEXICAL_URL": url}


def asm_keys(home: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "agent_session_memory.cli", "--path", str(home), "keys"]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, env={**os.environ, **env}
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_key_made_anywhere_works_on_every_process_and_a_revoke_stops_all(
    tmp_path: Path, shared_env: dict[str, str]
) -> None:
    ws = f"ws{uuid.uuid4().hex[:8]}"
    with ExitStack() as stack:
        servers = [
            stack.enter_context(serve_process(tmp_path / name, env=shared_env))
            for name in ("a", "b")
        ]
        # Made after both processes started, from a third machine's view (its own home).
        created = asm_keys(
            tmp_path / "admin", shared_env, "create", "--workspace", ws, "--name", "ops"
        )
        token = created.stdout.strip()
        assert "kept in PostgreSQL at" in created.stderr
        (url_a, proc_a), (url_b, _) = servers
        with (
            MemoryClient(base_url=url_a, api_key=token) as a,
            MemoryClient(base_url=url_b, api_key=token) as b,
        ):
            session = a.create_session(ttl_seconds=600)
            assert session.workspace_id == ws
            b.set_context(session.id, "task", "shared keys")
            assert a.get_context(session.id, "task") == "shared keys"
            asm_keys(tmp_path / "b", shared_env, "revoke", "ops")  # on B's machine
            for client in (a, b):
                with pytest.raises(Unauthenticated):
                    client.get_context(session.id, "task")
        assert "revoked" in asm_keys(tmp_path / "a", shared_env, "list").stdout
        proc_a.send_signal(signal.SIGINT)
        output, _ = proc_a.communicate(timeout=30)
    assert "API keys in PostgreSQL at" in output
    assert not any((tmp_path / name / "keys.db").exists() for name in ("a", "b", "admin"))
