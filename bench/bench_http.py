"""B7: the HTTP API against the same calls in process.

``asm serve --open`` runs with 1 and 2 worker processes over SQLite and over Redis session
stores; a load generator in another process (asyncio streams, HTTP/1.1 keep-alive, 16
connections) drives set_context, get_context and recall for a few seconds each and reports
requests/s and p50/p99 latency (median of the rounds). The in-process peer is the embedded
client doing the same calls one after another.

    python bench/bench_http.py [--seconds S] [--rounds N] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import machine, sentences, table, write

CONNECTIONS = 16
MEMORIES = 300


def _request(method: str, path: str, body: Any | None) -> bytes:
    payload = b"" if body is None else json.dumps(body).encode()
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(payload)}\r\n"
    if body is not None:
        head += "Content-Type: application/json\r\n"
    return (head + "\r\n").encode() + payload


async def _connection(
    host: str, port: int, requests: Callable[[int], bytes], stop: float, latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    while time.perf_counter() < stop:
        started = time.perf_counter()
        writer.write(requests(i))
        length = 0
        status = await reader.readline()
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        if not status.startswith(b"HTTP/1.1 2"):
            raise RuntimeError(f"{status!r}")
        latencies.append(time.perf_counter() - started)
        i += 1
    writer.close()


async def _load(url: str, requests: Callable[[int], bytes], seconds: float) -> dict[str, float]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(host, int(port), requests, stop, latencies) for _ in range(CONNECTIONS))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
    }


def _workload(url: str) -> dict[str, Callable[[int], bytes]]:
    """Seed a session and 300 memories; one request builder per measured call."""
    with httpx.Client(base_url=url, timeout=60) as http:
        sid = http.post("/v1/sessions", json={"ttl_seconds": 86400}).json()["id"]
        for i in range(100):
            http.post(f"/v1/sessions/{sid}/memory", json={"key": f"k{i}", "value": i})
        records = "".join(
            json.dumps({"id": uuid.uuid4().hex, "content": s}) + "\n" for s in sentences(MEMORIES)
        )
        http.post("/v1/import", content=records.encode())
    queries = sentences(50, seed=7)
    return {
        "set_context": lambda i: _request(
            "POST", f"/v1/sessions/{sid}/memory", {"key": f"k{i % 100}", "value": {"n": i}}
        ),
        "get_context": lambda i: _request(
            "GET", f"/v1/sessions/{sid}/memory?keys=k{i % 100}", None
        ),
        "recall": lambda i: _request("POST", "/v1/recall", {"query": queries[i % 50], "k": 10}),
    }


@contextmanager
def _server(home: Path, workers: int, store_url: str | None) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "AGENT_MEMORY_SWEEP_INTERVAL": "0"}
    if store_url:
        env["AGENT_MEMORY_SESSION_STORE_URL"] = store_url
    command = [
        sys.executable,
        "-m",
        "agent_session_memory.cli",
        "--path",
        str(home),
        "serve",
        "--open",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/ready", timeout=60).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"no server on {url}")


def _drop_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    client.close()


def _in_process(home: Path, seconds: float) -> dict[str, float]:
    from agent_session_memory import MemoryClient

    with MemoryClient(path=str(home)) as client:
        sid = client.create_session(ttl_seconds=86400).id
        client.import_workspace(
            [{"id": uuid.uuid4().hex, "content": s} for s in sentences(MEMORIES)]
        )
        queries = sentences(50, seed=7)
        calls = {
            "set_context": lambda i: client.set_context(sid, f"k{i % 100}", {"n": i}),
            "get_context": lambda i: client.get_context(sid, f"k{i % 100}"),
            "recall": lambda i: client.recall(queries[i % 50], k=10),
        }
        rates = {}
        for name, call in calls.items():
            stop, n, started = time.perf_counter() + seconds, 0, time.perf_counter()
            while time.perf_counter() < stop:
                call(n)
                n += 1
            rates[name] = n / (time.perf_counter() - started)
    return rates


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("AGENT_MEMORY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine(), "connections": CONNECTIONS}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        inproc = _in_process(Path(tmp) / "inproc", args.seconds)
        results["in_process"] = inproc
        for store in ("sqlite", "redis"):
            for workers in (1, 2):
                run = f"asmbench-{uuid.uuid4().hex[:8]}"
                store_url = f"{args.redis_url}?prefix={run}" if store == "redis" else None
                home = Path(tmp) / run
                with _server(home, workers, store_url) as url:
                    requests = _workload(url)
                    for op, build in requests.items():
                        rounds = [
                            asyncio.run(_load(url, build, args.seconds)) for _ in range(args.rounds)
                        ]
                        best = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
                        results[f"{store}/{workers}/{op}"] = best
                        rows.append(
                            [
                                op,
                                store,
                                workers,
                                round(best["rps"]),
                                round(best["p50_ms"], 2),
                                round(best["p99_ms"], 2),
                                round(inproc[op]),
                            ]
                        )
                if store_url:
                    _drop_redis_keys(args.redis_url, run)
    print(
        table(
            rows, ["call", "sessions", "processes", "req/s", "p50 ms", "p99 ms", "in-process ops/s"]
        )
    )
    for store in ("sqlite", "redis"):
        one = results[f"{store}/1/set_context"]["rps"]
        two = results[f"{store}/2/set_context"]["rps"]
        print(f"{store}: set_context 2 processes / 1 = {two / one:.2f}")
    write("http", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
