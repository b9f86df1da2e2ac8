"""B6: recall latency p50/p95 (query embedding included) at 6k and 100k memories; ingest rate.

6k memories are embedded for real (the ingest rate is ``import_workspace``'s, embedding
included). For 100k the vectors are random unit vectors written straight to the stores (latency
depends on index size, not on what the vectors mean; embedding 100k texts takes too long here).
Texts follow Zipf's law over a 20k-word vocabulary (``common.zipf_sentences``), memories come
from sessions of ``SESSION_LENGTH`` (so recall reads session neighbours), and each query
is four words of one stored text, leaving out the 100 most frequent words (which a real text's
stopword list would drop). Peers on the same index: Chroma's query alone, and numpy exact
search over all vectors. Figures are medians over ``ROUNDS`` rounds of all queries.

    python bench/bench_recall.py [SIZES...]                # embedded (or as the env selects)
    python bench/bench_recall.py --server-mode [SIZES...]  # embedded and server mode, compared

``--server-mode`` starts a ``chroma run`` server and creates a fresh database on ``--postgres``
(dropped afterwards), and reports server / embedded ratios of recall p50 and p95.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import psycopg
from common import table, write, zipf_sentences

from agent_session_memory.clock import SystemClock
from agent_session_memory.config import Settings
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.models import Memory, to_datetime
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.pg_rows import PostgresRows
from agent_session_memory.stores.longterm.records import chroma_metadata, content_hash

#: Memories come from sessions of this many, written one after another (recall reads the
#: most relevant candidates' session neighbours: ``session_context.py``).
SESSION_LENGTH = 20


#: Each size's queries run this many times; figures are the medians of the rounds.
ROUNDS = 3


def session_of(i: int) -> str:
    return f"s{i // SESSION_LENGTH}"


def queries_from(texts: list[str], n: int, seed: int = 7) -> list[str]:
    """Questions about stored memories: four of a text's words, none of the 100 commonest."""
    counts = Counter(w.lower().strip(".") for t in texts[:20_000] for w in t.split())
    common = {w for w, _ in counts.most_common(100)}
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        words = [w.lower().strip(".") for w in rng.choice(texts).split()]
        content = sorted({w for w in words if w not in common and not w.isdigit()})
        if len(content) >= 4:
            out.append(" ".join(rng.sample(content, 4)))
    return out


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)) * 1000, 2)


def synthetic_fill(lt: LongTermMemory, ws: str, texts: list[str], dim: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    now = to_datetime(time.time())
    vecs = rng.standard_normal((len(texts), dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    for start in range(0, len(texts), 5000):
        chunk = [
            Memory(
                id=f"m{i}",
                workspace_id=ws,
                content=t,
                content_hash=content_hash(t),
                session_id=session_of(i),
                created_at=now,
                updated_at=now,
            )
            for i, t in enumerate(texts[start : start + 5000], start=start)
        ]
        kept = {m.id: v for m, v in zip(chunk, vecs[start : start + len(chunk)], strict=True)}
        lt.store.put_rows(ws, chunk, vectors=kept)  # rows keep their vector, as writes do
        lt.store.chroma.upsert(
            ws,
            [m.id for m in chunk],
            vecs[start : start + len(chunk)],
            [chroma_metadata(m) for m in chunk],
            [m.content for m in chunk],
        )
    return vecs


def analyze(lt: LongTermMemory) -> None:
    """After a bulk fill, give PostgreSQL's planner the table's statistics, as autovacuum does
    within a minute of a load that size (without them it plans the first queries for a small
    table). SQLite's full-text index plans without statistics."""
    rows = getattr(lt.store, "rows", None)
    if isinstance(rows, PostgresRows):
        with psycopg.connect(rows.url, autocommit=True) as conn:
            conn.execute("ANALYZE memories")


def peers(
    lt: LongTermMemory, ws: str, query: str, embed: list[float], chroma_only: list[float]
) -> np.ndarray:
    """Time the query's embedding and Chroma's own query (k=10) into the lists; the vector."""
    t = time.perf_counter()
    vector = lt.embedder.embed([query])[0]
    embed.append(time.perf_counter() - t)
    t = time.perf_counter()
    lt.store.chroma.query(ws, vector, 10)  # no filter: recall's own query has none either
    chroma_only.append(time.perf_counter() - t)
    return vector


def measure(
    lt: LongTermMemory, ws: str, vecs: np.ndarray, queries: list[str], rounds: int = ROUNDS
) -> dict[str, float]:
    """Recall's latency, and its peers' on the same index: the query's embedding alone, Chroma's
    own query (k=10) alone and the two together (the issue's yardstick), numpy's exact search.
    Each query runs recall and its peers one after the other, so a load that comes and goes on
    the machine weighs on both; which goes first alternates from query to query, as the second
    finds the CPU caches warm from the first (the same model weights, the same index pages).
    numpy's exact search gets its own pass after each round: it streams every vector through
    the caches (150 MB at 100k), which left the next query's recall cold (until 2026-12-04 it
    ran in the same loop). Each figure is the median of ``rounds`` rounds over all queries."""
    flt = MemoryFilter()
    per_round: list[dict[str, float]] = []
    for _ in range(rounds):
        full, embed, chroma_only, exact = [], [], [], []
        vectors = []
        for i, q in enumerate(queries):
            if i % 2:
                vectors.append(peers(lt, ws, q, embed, chroma_only))
            t = time.perf_counter()
            lt.recall(ws, q, 10, flt)
            full.append(time.perf_counter() - t)
            if not i % 2:
                vectors.append(peers(lt, ws, q, embed, chroma_only))
        raw = [e + c for e, c in zip(embed, chroma_only, strict=True)]
        for qv in vectors:
            t = time.perf_counter()
            np.argpartition(-(vecs @ qv), 10)[:10]
            exact.append(time.perf_counter() - t)
        per_round.append(
            {
                "recall_p50_ms": pct(full, 50),
                "recall_p95_ms": pct(full, 95),
                "embed_query_p50_ms": pct(embed, 50),
                "chroma_query_p50_ms": pct(chroma_only, 50),
                "chroma_query_p95_ms": pct(chroma_only, 95),
                "chroma_plus_embed_p50_ms": pct(raw, 50),
                "recall_over_chroma_plus_embed_p50": round(pct(full, 50) / pct(raw, 50), 2),
                "numpy_exact_p50_ms": pct(exact, 50),
                "numpy_exact_p95_ms": pct(exact, 95),
            }
        )
    return {
        **{key: float(np.median([r[key] for r in per_round])) for key in per_round[0]},
        "rounds": rounds,
        "recall_over_chroma_plus_embed_p50_rounds": [
            r["recall_over_chroma_plus_embed_p50"] for r in per_round
        ],
    }


def run_sizes(settings: Settings, sizes: list[int], label: str) -> dict[str, object]:
    """Recall latency on the stores ``settings`` select, at each size (a workspace per size)."""
    lt = LongTermMemory(
        settings, clock=SystemClock(), emit=lambda e: None, event=lambda *a, **k: None
    )
    out: dict[str, object] = {}
    try:
        for n in sizes:
            ws = f"b6-{n}"
            texts = zipf_sentences(n, seed=n)
            t = time.perf_counter()
            if n <= 10_000:
                lt.import_(
                    ws,
                    [
                        {
                            "id": f"m{i}",
                            "workspace_id": ws,
                            "content": x,
                            "session_id": session_of(i),
                        }
                        for i, x in enumerate(texts)
                    ],
                )
                vecs = np.stack(
                    list(lt.store.chroma.embeddings(ws, [f"m{i}" for i in range(n)]).values())
                )
                kind = "embedded"
            else:
                vecs = synthetic_fill(lt, ws, texts, lt.embedder.dimension)
                analyze(lt)
                kind = "synthetic vectors"
            ingest = n / (time.perf_counter() - t)
            out[str(n)] = {
                "vectors": kind,
                "ingest_per_s": round(ingest, 1),
                **measure(lt, ws, vecs, queries_from(texts, 80)),
            }
            print(label, n, out[str(n)], flush=True)
    finally:
        lt.close()
    return out


def against_server_mode(sizes: list[int], postgres: str) -> dict[str, object]:
    """The same sizes, texts and queries on an embedded home and in server mode (a ``chroma run``
    server and a fresh PostgreSQL database, both started here), and server / embedded ratios."""
    from bench_server_mode import chroma_server, database

    with tempfile.TemporaryDirectory(prefix="b6-") as tmp:
        embedded = run_sizes(Settings(home=Path(tmp) / "embedded"), sizes, "embedded")
        with chroma_server(Path(tmp) / "chroma") as chroma, database(postgres) as pg:
            server_settings = Settings(home=Path(tmp) / "server", chroma_url=chroma, lexical_url=pg)
            server = run_sizes(server_settings, sizes, "server mode")
    ratios = {}
    for n in map(str, sizes):
        e, s = embedded[n], server[n]
        assert isinstance(e, dict) and isinstance(s, dict)
        ratios[n] = {
            f"recall_{q}_server_over_embedded": round(s[f"recall_{q}_ms"] / e[f"recall_{q}_ms"], 2)
            for q in ("p50", "p95")
        }
    rows = [
        [n, mode, r["recall_p50_ms"], r["recall_p95_ms"], r["chroma_query_p50_ms"]]
        for n in map(str, sizes)
        for mode, r in (("embedded", embedded[n]), ("server", server[n]))
        if isinstance(r, dict)
    ]
    print(table(rows, ["memories", "mode", "recall p50 ms", "recall p95 ms", "chroma p50 ms"]))
    return {"embedded": embedded, "server_mode": server, "ratios": ratios}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[6000, 100_000])
    parser.add_argument(
        "--server-mode",
        action="store_true",
        help="also run each size in server mode (Chroma server + PostgreSQL) and compare",
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    result: dict[str, object] = {
        "benchmark": "B6 recall latency",
        "command": "python bench/bench_recall.py " + " ".join(argv),
    }
    if args.server_mode:
        result.update(against_server_mode(args.sizes, args.postgres))
        write("recall-server-mode", result, verbose=True)
        return
    # AGENT_MEMORY_LEXICAL_URL / AGENT_MEMORY_CHROMA_URL select server mode for this one run
    home = Path(tempfile.mkdtemp(prefix="b6-"))
    result.update(run_sizes(Settings.from_env(home=home), args.sizes, "recall"))
    server_mode = (os.environ.get("AGENT_MEMORY_LEXICAL_URL") or "").startswith("postgres")
    write("recall-server-mode" if server_mode else "recall", result, verbose=True)


if __name__ == "__main__":
    main(sys.argv[1:])
