"""``asm serve`` and ``asm keys`` as an operator runs them: real processes on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from agent_session_memory import AccessDenied, MemoryClient
from tests.live_server import free_port, serve_process


def asm(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "agent_session_memory.cli", "--path", str(home), *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}
    )


@pytest.fixture(params=["sqlite", "postgres"])
def keys_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """``asm keys``'s environment: embedded (the home's keys.db) or server mode (PostgreSQL)."""
    if request.param == "sqlite":
        yield {}
        return
    from tests.postgres_server import fresh_database

    with fresh_database(request.getfixturevalue("postgres_admin")) as url:
        yield {"AGENT_MEMORY_LEXICAL_URL": url}


def _stored(home: Path, env: dict[str, str]) -> str:
    """Everything the key storage holds, as text."""
    if "AGENT_MEMORY_LEXICAL_URL" not in env:
        return (home / "keys.db").read_bytes().decode(errors="replace")
    import psycopg

    with psycopg.connect(env["AGENT_MEMORY_LEXICAL_URL"]) as conn:
        return repr(conn.execute("SELECT * FROM api_keys").fetchall())


def test_keys_are_shown_once_and_never_again(tmp_path: Path, keys_env: dict[str, str]) -> None:
    created = asm(
        tmp_path,
        *("keys", "create", "--workspace", "a", "--workspace", "b", "--name", "ci"),
        env=keys_env,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("asm_") and "not shown again" in created.stderr
    where = "PostgreSQL at" if keys_env else str(tmp_path / "keys.db")
    assert f"kept in {where}" in created.stderr
    listed = asm(tmp_path, "keys", "list", env=keys_env)
    assert "ci" in listed.stdout and "a, b" in listed.stdout
    secret = token.split("_", 2)[2]  # asm_<id>_<secret>; the secret may itself contain "_"
    assert secret not in listed.stdout + listed.stderr
    stored = _stored(tmp_path, keys_env)
    assert token.split("_")[1] in stored and secret not in stored  # stored hashed
    assert (tmp_path / "keys.db").exists() == (not keys_env)  # server mode: no file
    revoked = asm(tmp_path, "keys", "revoke", "ci", env=keys_env)
    assert revoked.returncode == 0 and "revoked" in revoked.stderr
    assert "revoked" in asm(tmp_path, "keys", "list", env=keys_env).stdout


def test_a_keyed_server_serves_its_workspaces_and_never_logs_a_key(tmp_path: Path) -> None:
    token = asm(tmp_path, "keys", "create", "--workspace", "team").stdout.strip()
    wrong = "asm_" + token[4:16] + "_" + "Z" * 32
    with serve_process(tmp_path, "--access-log") as (url, proc):
        with MemoryClient(base_url=url, api_key=token) as client:
            session = client.create_session(ttl_seconds=60)
            client.set_context(session.id, "task", {"goal": "ship"})
            assert client.get_context(session.id, "task") == {"goal": "ship"}
            with pytest.raises(AccessDenied):
                client.create_session(workspace_id="other")
        with MemoryClient(base_url=url, api_key=wrong) as intruder, pytest.raises(AccessDenied):
            intruder.create_session()
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    assert "POST /v1/sessions" in output  # the access log is on
    # asm_<id>_<secret>: the secret may itself contain "_", so split at the first two only
    for secret in (token, token.split("_", 2)[2], wrong.split("_", 2)[2]):
        assert secret not in output


def test_open_mode_binds_to_loopback_only(tmp_path: Path) -> None:
    refused = asm(tmp_path, "serve", "--open", "--host", "0.0.0.0", "--port", str(free_port()))
    assert refused.returncode == 2 and "loopback" in refused.stderr
    with serve_process(tmp_path, "--open") as (url, proc):
        with MemoryClient(base_url=url) as client:
            assert client.create_session().workspace_id == "default"
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    assert "open mode" in output and "loopback only" in output


def test_two_workers_share_one_home(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--open", "--workers", "2") as (url, _):
        with MemoryClient(base_url=url) as client:
            sessions = [client.create_session(ttl_seconds=60).id for _ in range(20)]
            for n, sid in enumerate(sessions):
                client.set_context(sid, "n", n)
        with MemoryClient(base_url=url) as reader:  # a new connection may land on either worker
            assert [reader.get_context(sid, "n") for sid in sessions] == list(range(20))


def test_shutdown_finishes_the_requests_in_flight(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--open") as (url, proc):
        with MemoryClient(base_url=url) as client:
            sid = client.create_session(ttl_seconds=600).id
        body = json.dumps({"key": "late", "value": "arrived after SIGTERM"}).encode()
        head = (
            f"POST /v1/sessions/{sid}/memory HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        address = urlparse(url)
        with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
            sock.sendall(head + body[:10])  # the request is in flight: half its body sent
            time.sleep(0.3)
            proc.terminate()
            time.sleep(0.3)
            sock.sendall(body[10:])  # the server, shutting down, still reads and answers it
            reply = sock.recv(65536).decode()
        output, _ = proc.communicate(timeout=30)
    assert reply.startswith("HTTP/1.1 200"), reply
    assert "Finished server process" in output  # uvicorn's graceful path (then it re-raises)
    with MemoryClient(path=str(tmp_path)) as embedded:
        assert embedded.get_context(sid, "late") == "arrived after SIGTERM"
