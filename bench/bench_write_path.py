"""B4b: the single-call write path, against the same work done raw, in one run.

Ours, through the public API only (so it measures whatever the write path becomes):
``MemoryClient.remember`` p50/p95 and ``remember_many`` throughput on a temp home, and the
LangGraph store (``MemoryGraphStore``) ``put`` p50, ``get`` ops/s, ``list_namespaces`` time and
``batch`` put throughput. Peers in the same run: one embedding + one durable SQLite insert (WAL,
synchronous=NORMAL), Chroma ``add`` alone (vector given), the embedder's own batch throughput
(same embedder, same batch size), and LangGraph's ``InMemoryStore`` indexed with the same
embedder. Ratios are ours / raw. Goal: ``remember`` p50 <= 1.5x (embedding + SQLite insert);
batches >= 80% of batch embedding throughput.

    python bench/bench_write_path.py [--calls 200] [--batch 64] [--batches 4]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentiles_ms, table, timed, write, zipf_sentences

from agent_session_memory import MemoryClient
from agent_session_memory.embeddings import MiniLMEmbedder

ROUNDS = 3
NAMESPACES = 8


def texts(n: int, seed: int) -> list[str]:
    """Distinct texts (Zipf-distributed words), so nothing is merged as a duplicate."""
    return [f"{t} [{uuid.uuid4().hex[:8]}]" for t in zipf_sentences(n, seed=seed)]


def ours_remember(client: MemoryClient, calls: int) -> dict[str, float]:
    items = texts(calls, seed=1)
    return percentiles_ms([timed(lambda t=t: client.remember(t)) for t in items], 50, 95)


def ours_remember_many(client: MemoryClient, batch: int, batches: int) -> float:
    """Memories per second, median over rounds of ``batches`` calls of ``batch`` memories."""
    rates = []
    for r in range(ROUNDS):
        chunks = [texts(batch, seed=100 + r * batches + b) for b in range(batches)]
        start = time.perf_counter()
        for chunk in chunks:
            client.remember_many([{"content": t} for t in chunk])
        rates.append(batch * batches / (time.perf_counter() - start))
    return statistics.median(rates)


def embed_batches(embedder: MiniLMEmbedder, batch: int, batches: int) -> float:
    """Texts per second through the embedder alone, same batch size as ``remember_many``."""
    rates = []
    for r in range(ROUNDS):
        chunks = [texts(batch, seed=200 + r * batches + b) for b in range(batches)]
        start = time.perf_counter()
        for chunk in chunks:
            embedder.embed(chunk)
        rates.append(batch * batches / (time.perf_counter() - start))
    return statistics.median(rates)


def raw_embed_and_insert(embedder: MiniLMEmbedder, folder: Path, calls: int) -> dict[str, float]:
    """One embedding + one durable SQLite insert (WAL, synchronous=NORMAL) per call."""
    db = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE m (id TEXT PRIMARY KEY, content TEXT, embedding BLOB, at REAL)")

    def one(text: str) -> None:
        vector = embedder.embed([text])[0]
        db.execute(
            "INSERT INTO m VALUES (?, ?, ?, ?)",
            (uuid.uuid4().hex, text, vector.tobytes(), time.time()),
        )

    times = [timed(lambda t=t: one(t)) for t in texts(calls, seed=3)]
    db.close()
    return percentiles_ms(times, 50, 95)


def raw_chroma_add(embedder: MiniLMEmbedder, folder: Path, calls: int) -> dict[str, float]:
    """Chroma ``add`` of one item with its vector already computed (embedding not timed)."""
    import chromadb

    client = chromadb.PersistentClient(path=str(folder / "chroma"))
    col = client.get_or_create_collection("raw", metadata={"hnsw:space": "cosine"})
    items = texts(calls, seed=4)
    vectors = embedder.embed(items)
    times = [
        timed(lambda t=t, v=v: col.add(ids=[uuid.uuid4().hex], embeddings=[v], documents=[t]))
        for t, v in zip(items, vectors, strict=True)
    ]
    return percentiles_ms(times, 50, 95)


def graph_store_figures(store: Any, calls: int, batch: int) -> dict[str, float]:
    """put p50, get ops/s, list_namespaces ms and batch put items/s on any LangGraph store."""
    from langgraph.store.base import PutOp

    items = texts(calls, seed=5)
    puts = [
        timed(lambda i=i, t=t: store.put(("users", f"u{i % NAMESPACES}"), f"k{i}", {"text": t}))
        for i, t in enumerate(items)
    ]
    start = time.perf_counter()
    for i in range(calls):
        store.get(("users", f"u{i % NAMESPACES}"), f"k{i}")
    gets = calls / (time.perf_counter() - start)
    listing = statistics.median(timed(store.list_namespaces) for _ in range(ROUNDS))
    rates = []
    for r in range(ROUNDS):
        ops = [
            PutOp(("batch", f"b{r}"), f"k{i}", {"text": t})
            for i, t in enumerate(texts(batch, seed=300 + r))
        ]
        rates.append(batch / timed(lambda ops=ops: store.batch(ops)))
    return {
        "put_p50_ms": percentiles_ms(puts, 50)["p50_ms"],
        "get_per_s": round(gets, 1),
        "list_namespaces_ms": round(listing * 1000, 3),
        "batch_put_per_s": round(statistics.median(rates), 1),
    }


def langgraph_peer(embedder: MiniLMEmbedder, calls: int, batch: int) -> dict[str, float]:
    from langgraph.store.memory import InMemoryStore

    def embed(batch_texts: list[str]) -> list[list[float]]:
        return [v.tolist() for v in embedder.embed(batch_texts)]

    store = InMemoryStore(index={"embed": embed, "dims": embedder.dimension})
    return graph_store_figures(store, calls, batch)


def run(calls: int, batch: int, batches: int) -> dict[str, Any]:
    from agent_session_memory.adapters.langchain import MemoryGraphStore

    embedder = MiniLMEmbedder()
    embedder.embed(["warm up"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with MemoryClient(path=str(folder / "home"), workspace_id="b4b") as client:
            client.remember("warm up: the first call loads the model and opens the stores")
            ours = {
                "remember": ours_remember(client, calls),
                "remember_many_per_s": round(ours_remember_many(client, batch, batches), 1),
                "graph_store": graph_store_figures(
                    MemoryGraphStore(client=client, workspace_id="b4b-graph"), calls, batch
                ),
            }
        raw = {
            "embed_and_sqlite_insert": raw_embed_and_insert(embedder, folder, calls),
            "chroma_add": raw_chroma_add(embedder, folder, calls),
            "embed_batch_per_s": round(embed_batches(embedder, batch, batches), 1),
            "inmemory_store": langgraph_peer(embedder, calls, batch),
        }
    return {"ours": ours, "raw": raw, "ratios": ratios(ours, raw)}


def ratios(ours: dict[str, Any], raw: dict[str, Any]) -> dict[str, float]:
    graph, peer = ours["graph_store"], raw["inmemory_store"]
    pairs = {
        "remember p50 / (embed + SQLite insert) p50": (
            ours["remember"]["p50_ms"],
            raw["embed_and_sqlite_insert"]["p50_ms"],
        ),
        "remember p50 / Chroma add p50": (ours["remember"]["p50_ms"], raw["chroma_add"]["p50_ms"]),
        "remember_many / batch embedding throughput": (
            ours["remember_many_per_s"],
            raw["embed_batch_per_s"],
        ),
        "graph put p50 / InMemoryStore put p50": (graph["put_p50_ms"], peer["put_p50_ms"]),
        "graph get / InMemoryStore get (ops/s)": (graph["get_per_s"], peer["get_per_s"]),
        "graph list_namespaces / InMemoryStore": (
            graph["list_namespaces_ms"],
            peer["list_namespaces_ms"],
        ),
        "graph batch put / InMemoryStore batch put (items/s)": (
            graph["batch_put_per_s"],
            peer["batch_put_per_s"],
        ),
        "graph batch put / batch embedding throughput": (
            graph["batch_put_per_s"],
            raw["embed_batch_per_s"],
        ),
    }
    return {name: round(a / b, 3) if b else float("nan") for name, (a, b) in pairs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="single calls timed per figure")
    parser.add_argument("--batch", type=int, default=64, help="memories per batch call")
    parser.add_argument("--batches", type=int, default=4, help="batch calls per round")
    args = parser.parse_args()
    result = run(args.calls, args.batch, args.batches)
    ours, raw = result["ours"], result["raw"]
    graph, peer = ours["graph_store"], raw["inmemory_store"]
    rows = [
        ["remember p50 / p95 ms", ours["remember"]["p50_ms"], ours["remember"]["p95_ms"]],
        ["embed one + SQLite insert p50 / p95 ms", *raw["embed_and_sqlite_insert"].values()],
        ["Chroma add alone p50 / p95 ms", *raw["chroma_add"].values()],
        [f"remember_many memories/s (batch {args.batch})", ours["remember_many_per_s"], ""],
        [f"embedder texts/s (batch {args.batch})", raw["embed_batch_per_s"], ""],
    ]
    print(table(rows, ["write path", "value", "p95 ms"]))
    print()
    graph_rows = [[name, graph[name], peer[name]] for name in graph]
    print(table(graph_rows, ["LangGraph store", "MemoryGraphStore", "InMemoryStore"]))
    print()
    print(table([[k, v] for k, v in result["ratios"].items()], ["ours / raw", "ratio"]))
    write(
        "write_path",
        {"calls": args.calls, "batch": args.batch, "batches": args.batches, **result},
    )


if __name__ == "__main__":
    main()
