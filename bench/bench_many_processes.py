"""B6b: many processes on one embedded home, a mixed load, recall latency under contention.

N processes (default 1 and 6) open the same home with ``MemoryClient(path=...)`` and, for S
seconds, loop over a mix of ``remember``, ``recall`` (k=10) and ``set_context`` /
``get_context`` on a session of their own. Reported per N: all operations per second, and recall
p50/p99 over every recall of every process. Goal: recall p99 at 6 processes within 10x of the
p99 at one process (readers must not wait behind writers).

    python bench/bench_many_processes.py [--processes 1,6] [--seconds 20] [--seed-memories 300]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentiles_ms, table, write, zipf_sentences

from agent_session_memory import MemoryClient

WORKSPACE = "b6b"
# One step of the loop: what a working agent does between two LLM calls, roughly.
MIX = ["remember", "recall", "recall", "set_context", "get_context", "get_context"]


def worker(home: str, index: int, ready: Any, seconds: float, out: Any) -> None:
    """Run the mix until the deadline; send back op counts and every recall's duration."""
    rng = random.Random(index)
    words = [w for t in zipf_sentences(200, seed=index) for w in t.split()[:6]]
    with MemoryClient(path=home, workspace_id=WORKSPACE) as client:
        session = client.create_session(ttl_seconds=3600)
        client.recall("warm up", k=1)  # loads the model before the clock starts
        ready.wait()  # all processes start the load together
        counts = dict.fromkeys(MIX, 0)
        recalls: list[float] = []
        deadline = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < deadline:
            op = MIX[n % len(MIX)]
            n += 1
            if op == "remember":
                client.remember(f"process {index} note {n}: " + " ".join(rng.sample(words, 8)))
            elif op == "recall":
                started = time.perf_counter()
                client.recall(" ".join(rng.sample(words, 3)), k=10)
                recalls.append(time.perf_counter() - started)
            elif op == "set_context":
                client.set_context(session.id, f"k{n % 20}", {"step": n})
            else:
                client.get_context(session.id, f"k{n % 20}")
            counts[op] += 1
    out.put({"counts": counts, "recalls": recalls})


def run_level(processes: int, seconds: float, seed_memories: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as home:
        with MemoryClient(path=home, workspace_id=WORKSPACE) as client:
            texts = zipf_sentences(seed_memories, seed=processes)
            for start in range(0, len(texts), 64):
                client.remember_many([{"content": t} for t in texts[start : start + 64]])
        ctx = mp.get_context("spawn")
        out, ready = ctx.Queue(), ctx.Barrier(processes)
        procs = [
            ctx.Process(target=worker, args=(home, i, ready, seconds, out))
            for i in range(processes)
        ]
        for p in procs:
            p.start()
        reports = [out.get(timeout=seconds + 600) for _ in procs]
        for p in procs:
            p.join()
    ops = sum(sum(r["counts"].values()) for r in reports)
    recalls = [t for r in reports for t in r["recalls"]]
    return {
        "processes": processes,
        "seconds": seconds,
        "ops_per_s": round(ops / seconds, 1),
        "recalls": len(recalls),
        **percentiles_ms(recalls, 50, 99),
        "recall_max_ms": round(max(recalls) * 1000, 1) if recalls else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,6", help="comma-separated process counts")
    parser.add_argument("--seconds", type=float, default=20.0, help="load duration per level")
    parser.add_argument("--seed-memories", type=int, default=300, help="memories stored first")
    args = parser.parse_args()
    levels = [int(p) for p in args.processes.split(",")]
    results = [run_level(n, args.seconds, args.seed_memories) for n in levels]
    base = results[0]["p99_ms"]
    for r in results:
        r["recall_p99_vs_first"] = round(r["p99_ms"] / base, 2) if base else None
    print(
        table(
            [
                [r["processes"], r["ops_per_s"], r["recalls"], r["p50_ms"], r["p99_ms"],
                 r["recall_max_ms"], r["recall_p99_vs_first"]]
                for r in results
            ],
            ["processes", "ops/s", "recalls", "recall p50 ms", "recall p99 ms", "recall max ms",
             f"p99 / p99 at {levels[0]}"],
        )
    )  # fmt: skip
    print(f"goal: recall p99 at {levels[-1]} processes within 10x of {levels[0]}")
    write("many_processes", {"mix": MIX, "seed_memories": args.seed_memories, "levels": results})


if __name__ == "__main__":
    main()
