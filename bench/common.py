"""Shared helpers for the benchmarks: timing with medians, the machine line, JSON output."""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

WORDS = [
    "service",
    "database",
    "deploy",
    "token",
    "auth",
    "cache",
    "queue",
    "user",
    "billing",
    "invoice",
    "latency",
    "error",
    "retry",
    "cluster",
    "region",
    "backup",
    "schema",
    "migration",
    "index",
    "search",
    "payment",
    "customer",
    "order",
    "mobile",
    "release",
    "feature",
    "flag",
    "config",
    "secret",
    "rotate",
    "monitor",
    "alert",
    "dashboard",
    "budget",
    "team",
    "owner",
    "review",
    "test",
    "build",
    "pipeline",
    "docker",
    "kubernetes",
    "node",
    "memory",
    "session",
    "context",
]


def sentences(n: int, seed: int = 0) -> list[str]:
    """Deterministic synthetic texts from a small vocabulary (no data set needed)."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30))).capitalize() + f" {i}."
        for i in range(n)
    ]


def _vocabulary(size: int, rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    words: set[str] = set(WORDS)
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def zipf_sentences(n: int, seed: int = 0, vocabulary: int = 20_000) -> list[str]:
    """Texts whose word frequencies follow Zipf's law over a 20k-word vocabulary, as natural
    language does: with a 46-word vocabulary every query word is in a third of all texts, which
    no real memory store looks like and which makes any inverted index scan everything."""
    rng = random.Random(seed)
    words = _vocabulary(vocabulary, rng)
    weights = [1.0 / (rank + 1) ** 1.07 for rank in range(len(words))]
    return [
        " ".join(rng.choices(words, weights, k=rng.randint(6, 30))).capitalize() + f" {i}."
        for i in range(n)
    ]


PEERS = (
    "agent-session-memory",
    "chromadb",
    "onnxruntime",
    "numpy",
    "tiktoken",
    "redis",
    "langchain-core",
    "langgraph",
    "llama-index-core",
    "rank-bm25",
    "matplotlib",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    """What the figures were measured on: CPU, cores, RAM, Python, our and the peers' versions."""
    versions = {}
    for dist in PEERS:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        # Other work on the machine slows everything down: ratios hold, absolute figures do not.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "versions": versions,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }


def percentiles_ms(seconds: list[float], *qs: float) -> dict[str, float]:
    """``{"p50_ms": ..., "p95_ms": ...}`` of durations given in seconds."""
    ordered = sorted(seconds)
    out = {}
    for q in qs:
        rank = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
        out[f"p{q:g}_ms"] = round(ordered[rank] * 1000, 3)
    return out


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of fn takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_rate(fn: Callable[[], int], rounds: int = 3) -> float:
    """Operations per second (fn returns how many it did), median over rounds."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def median_seconds(fn: Callable[[], object], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write(name: str, data: dict[str, Any], *, verbose: bool = False) -> Path:
    """Save ``bench/results/<name>.json`` with the machine line (and print it if verbose)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2, default=str))
    if verbose:
        print(json.dumps(data, indent=2, default=str))
    return path


def table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [header] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if value < 100 else f"{value:,.0f}"
    return str(value)
