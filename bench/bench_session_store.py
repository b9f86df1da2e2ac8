"""B1 at the store level: working-memory writes and reads against their raw-driver peers.

Peers in the same run, on the same data: a raw ``sqlite3`` upsert (WAL, ``synchronous=NORMAL``,
one transaction per upsert) and raw redis-py ``SET``/``GET``. Prints a table (operations per
second, median of 3 rounds) and writes ``bench/results/session_store.json``.

    python bench/bench_session_store.py [--ops N] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_session_memory.stores.sessions.base import (
    ContextWrite,
    EventRecord,
    MessageRecord,
    SessionRecord,
    SessionStore,
)
from agent_session_memory.stores.sessions.sqlite import SQLiteSessionStore

ROUNDS = 3
KEYS = 100
VALUE = json.dumps({"goal": "ship the release", "steps": ["a", "b", "c"], "n": 42})


def value(i: int) -> str:
    """A different value per write: SQLite skips the page write when an upsert changes nothing
    (b-tree cell overwrite with identical bytes), which would flatter the raw peer 3x."""
    return f'{{"goal": "ship the release", "steps": ["a", "b", "c"], "n": {i}}}'


RESULTS = Path(__file__).parent / "results" / "session_store.json"


def timed(ops: int, body: Callable[[int], Any]) -> float:
    """Operations per second of ``body(i)`` for i in range(ops)."""
    start = time.perf_counter()
    for i in range(ops):
        body(i)
    return ops / (time.perf_counter() - start)


def raw_sqlite(folder: Path) -> dict[str, Callable[[], Callable[[int], Any]]]:
    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(folder / f"raw-{uuid.uuid4().hex}.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        return conn

    def upsert() -> Callable[[int], Any]:
        conn = connect()
        sql = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
        return lambda i: conn.execute(sql, (f"k{i % KEYS}", value(i)))

    def select() -> Callable[[int], Any]:
        conn = connect()
        for i in range(KEYS):
            conn.execute("INSERT INTO kv VALUES (?, ?)", (f"k{i}", VALUE))
        sql = "SELECT v FROM kv WHERE k = ?"
        return lambda i: conn.execute(sql, (f"k{i % KEYS}",)).fetchone()

    return {"set": upsert, "get": select}


def store_ops(
    open_store: Callable[[], SessionStore],
) -> dict[str, Callable[[], Callable[[int], Any]]]:
    """set_context, get_context (counting reads, as the engine does) and append_messages."""
    now = time.time()

    def fresh() -> tuple[SessionStore, str]:
        store = open_store()
        sid = uuid.uuid4().hex
        record = SessionRecord(sid, "bench", now, now, now + 3600, 3600)
        store.create_session(record, EventRecord(uuid.uuid4().hex, "bench", "session_started", now))
        return store, sid

    def set_context() -> Callable[[int], Any]:
        store, sid = fresh()
        return lambda i: store.set_context(
            sid, [ContextWrite(f"k{i % KEYS}", value(i))], now, 10_000
        )

    def get_context() -> Callable[[int], Any]:
        store, sid = fresh()
        store.set_context(sid, [ContextWrite(f"k{i}", VALUE) for i in range(KEYS)], now, 10_000)
        return lambda i: store.get_context(sid, [f"k{i % KEYS}"], now)

    def append() -> Callable[[int], Any]:
        store, sid = fresh()
        message = MessageRecord("user", "What did we decide about auth?", 12, now)
        return lambda i: store.append_messages(sid, [message], now)

    return {"set": set_context, "get": get_context, "append": append}


def redis_peers(url: str, prefix: str) -> dict[str, Callable[[], Callable[[int], Any]]]:
    import redis

    client = redis.Redis.from_url(url, decode_responses=True)

    def set_() -> Callable[[int], Any]:
        return lambda i: client.set(f"{prefix}:raw:k{i % KEYS}", value(i))

    def get() -> Callable[[int], Any]:
        for i in range(KEYS):
            client.set(f"{prefix}:raw:k{i}", VALUE)
        return lambda i: client.get(f"{prefix}:raw:k{i % KEYS}")

    return {"set": set_, "get": get}


def run(ops: int, redis_url: str | None) -> dict[str, float]:
    """Every benchmark once per round, rounds interleaved, so load spikes from other processes on
    the machine hit peers and our stores alike; the median per benchmark is reported."""
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        benches = sqlite_benches(folder)
        prefix = f"asmbench-{uuid.uuid4().hex[:8]}"
        if redis_url:
            benches.update(redis_benches(folder, redis_url, prefix))
        try:
            for _ in range(ROUNDS):
                for name, make in benches.items():
                    samples.setdefault(name, []).append(timed(ops, make()))
        finally:
            if redis_url:
                drop_redis_keys(redis_url, prefix)
    return {name: statistics.median(rates) for name, rates in samples.items()}


def client_ops(
    folder: Path, store_url: str | None
) -> dict[str, Callable[[], Callable[[int], Any]]]:
    """The same calls through the public MemoryClient: validation, engine and store together."""
    from agent_session_memory import MemoryClient

    def fresh() -> tuple[Any, str]:
        client = MemoryClient(
            path=str(folder / f"c-{uuid.uuid4().hex}"), session_store_url=store_url
        )
        return client, client.create_session(ttl_seconds=86400).id

    def set_context() -> Callable[[int], Any]:
        client, sid = fresh()
        return lambda i: client.set_context(sid, f"k{i % KEYS}", {"goal": "ship", "n": i})

    def get_context() -> Callable[[int], Any]:
        client, sid = fresh()
        client.set_contexts(sid, {f"k{i}": {"goal": "ship", "n": i} for i in range(KEYS)})
        return lambda i: client.get_context(sid, f"k{i % KEYS}")

    def add_message() -> Callable[[int], Any]:
        client, sid = fresh()
        return lambda i: client.add_messages(sid, [{"role": "user", "content": f"message {i}"}])

    return {"set": set_context, "get": get_context, "append": add_message}


def framework_peers() -> dict[str, Callable[[], Callable[[int], Any]]]:
    """In-memory chat histories of LangChain and LlamaIndex (when installed): appends only."""
    peers: dict[str, Callable[[], Callable[[int], Any]]] = {}
    try:
        from langchain_core.chat_history import InMemoryChatMessageHistory
        from langchain_core.messages import HumanMessage

        def lc() -> Callable[[int], Any]:
            history = InMemoryChatMessageHistory()
            return lambda i: history.add_message(HumanMessage(f"message {i}"))

        peers["LangChain InMemoryChatMessageHistory append"] = lc
    except ImportError:
        print("LangChain not installed: its peer is skipped")
    try:
        from llama_index.core.llms import ChatMessage
        from llama_index.core.storage.chat_store import SimpleChatStore

        def li() -> Callable[[int], Any]:
            store = SimpleChatStore()
            return lambda i: store.add_message("k", ChatMessage(role="user", content=f"m {i}"))

        peers["LlamaIndex SimpleChatStore append"] = li
    except ImportError:
        print("LlamaIndex not installed: its peer is skipped")
    return peers


def sqlite_benches(folder: Path) -> dict[str, Callable[[], Callable[[int], Any]]]:
    raw = raw_sqlite(folder)
    ours = store_ops(lambda: SQLiteSessionStore(folder / f"s-{uuid.uuid4().hex}.db"))
    client = client_ops(folder, None)
    return {
        "sqlite3 raw upsert": raw["set"],
        "sqlite3 raw select": raw["get"],
        "SQLite set_context": ours["set"],
        "SQLite get_context": ours["get"],
        "SQLite append_messages": ours["append"],
        "client set_context (SQLite)": client["set"],
        "client get_context (SQLite)": client["get"],
        "client add_messages (SQLite)": client["append"],
        **framework_peers(),
    }


def redis_benches(
    folder: Path, url: str, prefix: str
) -> dict[str, Callable[[], Callable[[int], Any]]]:
    from agent_session_memory.stores.sessions.redis import RedisSessionStore

    raw = redis_peers(url, prefix)
    ours = store_ops(lambda: RedisSessionStore(url, prefix=prefix))
    return {
        "redis-py raw SET": raw["set"],
        "redis-py raw GET": raw["get"],
        "Redis set_context": ours["set"],
        "Redis get_context": ours["get"],
        "Redis append_messages": ours["append"],
        "client set_context (Redis)": client_ops(folder, f"{url}?prefix={prefix}")["set"],
    }


def drop_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])
    client.close()


def ratios(rows: dict[str, float]) -> dict[str, float]:
    """The B1 goals as ratios: >= 0.5 for SQLite, >= 1/1.5 for Redis."""
    pairs = {
        "SQLite set_context / raw upsert": ("SQLite set_context", "sqlite3 raw upsert"),
        "Redis set_context / raw SET": ("Redis set_context", "redis-py raw SET"),
        "Redis get_context / raw GET": ("Redis get_context", "redis-py raw GET"),
        "client set_context (SQLite) / raw upsert": (
            "client set_context (SQLite)",
            "sqlite3 raw upsert",
        ),
        "client set_context (Redis) / raw SET": ("client set_context (Redis)", "redis-py raw SET"),
    }
    return {name: rows[a] / rows[b] for name, (a, b) in pairs.items() if a in rows and b in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000, help="operations per round")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("AGENT_MEMORY_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()
    rows = run(args.ops, None if args.no_redis else args.redis_url)
    result = {
        "benchmark": "B1 session store",
        "command": " ".join([os.path.basename(sys.executable), *sys.argv]),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "python": platform.python_version(), "sqlite": sqlite3.sqlite_version},
        "ops_per_round": args.ops,
        "rounds": ROUNDS,
        "ops_per_second_median": rows,
        "ratios": ratios(rows),
    }  # fmt: skip
    print(f"{'operation':<28}{'ops/s (median of 3)':>22}")
    for name, rate in rows.items():
        print(f"{name:<28}{rate:>22,.0f}")
    for name, value in result["ratios"].items():
        print(f"{name:<40}{value:>10.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
