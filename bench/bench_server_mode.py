"""B8: server mode: `asm serve` on Redis + a Chroma server + PostgreSQL, 1, 2 and 4 processes.

The same load generator as B7 (``bench_http.py``: 16 keep-alive connections) drives set_context
and recall against ``asm serve --open --workers N`` whose stores are all shared servers: Redis
(sessions), a ``chroma run`` server this script starts (vectors) and PostgreSQL (rows, full
text; a fresh database on ``--postgres`` that is dropped afterwards).

    python bench/bench_server_mode.py [--seconds S] [--rounds N] [--processes 1,2,4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_http import _drop_redis_keys, _free_port, _load, _wait, _workload
from bench.common import machine, table, write

CHROMA = Path(sys.executable).parent / "chroma"


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    port = _free_port()
    command = [str(CHROMA), "run", "--path", str(folder), "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def database(admin: str) -> Iterator[str]:
    name = f"asm_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def server(home: Path, workers: int, env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "agent_session_memory.cli", "--path", str(home), "serve"]
    command += ["--open", "--port", str(port), "--workers", str(workers)]
    full_env = {**os.environ, "AGENT_MEMORY_SWEEP_INTERVAL": "0", **env}
    proc = subprocess.Popen(
        command, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("AGENT_MEMORY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    try:
        psycopg.connect(args.postgres, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        why = str(exc).strip().splitlines()[0]
        print(f"B7b skipped: no PostgreSQL answers at {args.postgres} ({why})")
        return 0
    results: dict[str, Any] = {"machine": machine(), "connections": 16}
    rows = []
    with tempfile.TemporaryDirectory() as tmp, chroma_server(Path(tmp) / "chroma") as chroma:
        for workers in (int(p) for p in args.processes.split(",")):
            run = f"asmb8-{uuid.uuid4().hex[:8]}"
            with database(args.postgres) as pg:
                env = {
                    "AGENT_MEMORY_SESSION_STORE_URL": f"{args.redis_url}?prefix={run}",
                    "AGENT_MEMORY_CHROMA_URL": chroma,
                    "AGENT_MEMORY_LEXICAL_URL": pg,
                    "AGENT_MEMORY_WORKSPACE": run,
                }
                with server(Path(tmp) / run, workers, env) as url:
                    requests = _workload(url)
                    for op in ("set_context", "recall"):
                        rounds = [
                            asyncio.run(_load(url, requests[op], args.seconds))
                            for _ in range(args.rounds)
                        ]
                        best = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
                        results[f"{workers}/{op}"] = best
                        rows.append([op, workers, round(best["rps"]), round(best["p50_ms"], 2),
                                     round(best["p99_ms"], 2)])  # fmt: skip
            _drop_redis_keys(args.redis_url, run)
    print(table(rows, ["call", "processes", "req/s", "p50 ms", "p99 ms"]))
    write("server_mode", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
