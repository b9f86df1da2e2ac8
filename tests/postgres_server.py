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
import signal
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


class Cluster:
    """A PostgreSQL cluster of our own in a temporary folder, on a fixed free port; it can be
    stopped and started again (same data, same port) to test what clients see meanwhile."""

    def __init__(self) -> None:
        self.bindir = _binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="asm-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.proc: subprocess.Popen[bytes] | None = None
        if os.geteuid() == 0:
            _as_test_user(["true"])  # creates the user
            shutil.chown(self.folder, TEST_USER)
        initdb = [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres"]
        subprocess.run(_as_test_user([*initdb, "-A", "trust"]), check=True, capture_output=True)

    def start(self) -> None:
        server = [str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        server += ["-k", str(self.folder), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
        self.proc = subprocess.Popen(
            _as_test_user(server), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while not _answers(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the test PostgreSQL did not start (data in {self.data})")
            time.sleep(0.1)

    def stop(self) -> None:
        """A fast shutdown (SIGINT to the postmaster itself: ``runuser`` does not forward it):
        clients' connections are cut, as in a restart."""
        if self.proc is not None and self.proc.poll() is None:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGINT)
            self.proc.wait(timeout=30)
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def own_cluster() -> Iterator[Cluster]:
    """``initdb`` + ``postgres`` in a temporary folder on a free port, started."""
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@contextlib.contextmanager
def admin_url() -> Iterator[str]:
    """The machine's server if it answers, else our own cluster."""
    if _answers(ADMIN):
        yield ADMIN
    else:
        with own_cluster() as cluster:
            yield cluster.url


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
