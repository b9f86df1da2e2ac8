"""A real PostgreSQL for tests: a fresh database on the machine's server, or a cluster of our own.

``postgres_database()`` yields the URL of a new, empty database and drops it afterwards. It uses
the server answering on 127.0.0.1:5432 with trust auth (``ASM_TEST_POSTGRES_ADMIN`` overrides
the admin URL); when none answers, it ``initdb``s a cluster into a temporary folder as a
non-root user (``asmtest``, created when running as root) and starts it on a free port. Missing
binaries fail the test, naming ``scripts/ensure_postgres.sh``: nothing is skipped silently.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

ADMIN = os.environ.get("ASM_TEST_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_USER = "asmtest"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "no PostgreSQL answers on 127.0.0.1:5432 and initdb is not installed: "
            "run scripts/ensure_postgres.sh"
        )
    return Path(found[-1]).parent


def _as_test_user(command: list[str]) -> list[str]:
    """Run as ``asmtest`` when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return command
    if subprocess.run(["id", TEST_USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", TEST_USER], check=True)
    return ["runuser", "-u", TEST_USER, "--", *command]


@contextlib.contextmanager
def own_cluster() -> Iterator[str]:
    """``initdb`` + ``postgres`` in a temporary folder on a free port; the admin URL."""
    bindir = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="asm-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        _as_test_user(["true"])  # creates the user
        shutil.chown(folder, TEST_USER)
    subprocess.run(
        _as_test_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
        check=True,
        capture_output=True,
    )
    port = _free_port()
    server = [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder)]
    server += ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    proc = subprocess.Popen(
        _as_test_user(server),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the test PostgreSQL did not start (data in {data})")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def admin_url() -> Iterator[str]:
    """The machine's server if it answers, else our own cluster."""
    if _answers(ADMIN):
        yield ADMIN
    else:
        with own_cluster() as url:
            yield url


@contextlib.contextmanager
def fresh_database(admin: str) -> Iterator[str]:
    """A new database on the server of ``admin``; dropped (connections closed) afterwards."""
    name = f"asm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    with admin_url() as admin, fresh_database(admin) as url:
        yield url
