"""A real HTTP server on loopback for tests: the app ``asm serve`` runs, in a thread or a process.

``serve_in_thread`` starts uvicorn with ``create_app`` on a fresh home in this process (fast: a
few tens of milliseconds), so every client test can run against its own server. ``serve_process``
runs the ``asm serve`` command itself, for what needs the real command (workers, signals, logs).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.server.app import create_app
from agent_session_memory.server.keys import KeyStore
from agent_session_memory.server.settings import ServerSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_in_thread(
    engine: Engine | None = None,
    *,
    home: Path | None = None,
    keys: KeyStore | None = None,
    settings: ServerSettings | None = None,
) -> Iterator[str]:
    """The server's URL while the block runs; ``keys`` None is the open mode."""
    engine = engine or Engine(Settings(home=home) if home else Settings.from_env())
    app = create_app(engine, keys, settings or ServerSettings(sweep_interval=0))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextlib.contextmanager
def serve_process(
    home: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[Any]]]:
    """``asm --path HOME serve --port P ARGS`` as a child process; its URL and the process."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "agent_session_memory.cli",
        "--path",
        str(home),
        "serve",
        "--port",
        str(port),
        *args,
    ]
    proc = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_until_healthy(url: str, proc: subprocess.Popen[Any], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError(f"asm serve exited with {proc.returncode}: {output}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"asm serve did not answer on {url} within {timeout} s")
