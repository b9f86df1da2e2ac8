"""docs/benchmarks.md and its PNG plots, from one ``bench/results/<date>.json`` (see run.py).

    python bench/report.py bench/results/2026-12-03.json   # re-render without re-running

Everything shown comes from that JSON file: one table per suite, the machine, the versions, the
commands. Plots need matplotlib (the ``bench`` extra); without it the tables are still written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
IMAGES = ROOT / "docs" / "images" / "benchmarks"

Table = tuple[list[str], list[list[Any]]]

INTRO = """\
# Benchmarks

How fast and how good agent-session-memory is, measured against what its users would otherwise
use, **in the same run on the same machine** (so read the ratios: absolute figures move with the
machine's load). Written by `make bench` (full sizes) or `make bench-quick` (smaller sizes,
under 5 minutes on 2 cores): both install the `bench` extra (peers and matplotlib), run every
suite in `bench/`, save all results in `bench/results/<date>.json` and render this page from that
file (`python bench/report.py bench/results/<date>.json` renders it again). One suite alone:
`python bench/run.py --quick --only B4b`. LoCoMo (B5) reads `../shared/eval/locomo-dev.json`
(or `$LOCOMO_PATH`) and is skipped when it is absent.

{goals}

The goals come from the project's benchmark plan; a figure that moves by more than the noise
between runs is a finding.
"""


GOALS = [
    ("B1", "working memory: `set_context`, `get_context`, message append (SQLite, Redis)",
     "raw `sqlite3` upsert, redis-py SET/GET, LangChain and LlamaIndex chat histories",
     "durable `set_context` >= 50% of raw sqlite3; Redis within 1.5x of redis-py"),
    ("B2", "read the last 2,000 tokens of a session, 100 to 100k messages",
     "LlamaIndex `ChatMemoryBuffer`, LangChain `trim_messages`",
     "flat: time at 100k <= 2x time at 100"),
    ("B3", "embedding and commit throughput", "raw onnxruntime on the same model",
     "embedding >= 95% of raw; commit >= 80% of embedding"),
    ("B4b", "single-call write path: `remember`, `remember_many`, LangGraph store",
     "embedding + SQLite insert, Chroma `add`, LangGraph `InMemoryStore` with the same embedder",
     "`remember` p50 <= 1.5x (embedding + insert); batches >= 80% of batch embedding"),
    ("B5", "recall quality on LoCoMo: evidence recall@k", "BM25 (rank_bm25), dense MiniLM alone",
     "R@10 >= 0.70 on conversations never tuned on"),
    ("B6", "recall latency against memory count", "Chroma query alone, exact numpy search",
     "p50 <= 1.5x Chroma query + embedding; p95 <= 25 ms at 100k"),
    ("B6b", "many processes on one embedded home, mixed load", "the same load in one process",
     "recall p99 within 10x of one process"),
    ("B7", "HTTP API requests/s and latency, 1 and 2 processes (B7b: server mode)",
     "the same calls in process", ">= 1,500 `set_context`/s on one process"),
    ("B8", "MCP tool round trip over stdio", "a no-op tool in the same server",
     "p50 <= 2 ms above the no-op"),
]  # fmt: skip


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if value != value:  # NaN
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


# -- one table (or a few) per suite, from its JSON ---------------------------------------------


def b1(r: dict[str, Any]) -> list[Table]:
    ops = r["ops_per_second_median"]
    return [
        (["operation", "ops/s (median of 3)"], [[k, v] for k, v in ops.items()]),
        (["ours / raw", "ratio"], [[k, v] for k, v in r["ratios"].items()]),
    ]


def b2(r: dict[str, Any]) -> list[Table]:
    rows = [
        [x["messages"], x["ours_ms"], x["ours_tokens"],
         skipped(x["llamaindex_ms"]), skipped(x["langchain_trim_ms"])]
        for x in r["results"]
    ]  # fmt: skip
    header = ["messages", "ours ms", "ours tokens", "LlamaIndex buffer ms", "LangChain trim ms"]
    flat = [["time at largest / time at smallest", r["flatness"]], ["token budget", r["budget"]]]
    return [(header, rows), (["", "value"], flat)]


def skipped(ms: float | None) -> float | str:
    """A peer too slow to run at this size (it would take minutes) shows as such."""
    return "skipped (too slow)" if ms is None else ms


def b3(r: dict[str, Any]) -> list[Table]:
    rows = []
    for key in ("batch32", "batch256"):
        if key in r:
            ours, raw = r[key]["minilm_embedder"], r[key]["raw_onnxruntime"]
            rows.append([key.removeprefix("batch"), ours, raw, ours / raw])
    commit = [
        ["embedding, 256 texts (texts/s)", r["embed_256_same_run"]],
        ["commit incl. dedup (memories/s)", r["commit_memories_per_s"]],
        ["commit / embedding", r["commit_memories_per_s"] / r["embed_256_same_run"]],
    ]
    header = ["batch", "ours sentences/s", "raw onnxruntime sentences/s", "ours / raw"]
    return [(header, rows), (["commit", "value"], commit)]


def b4b(r: dict[str, Any]) -> list[Table]:
    ours, raw = r["ours"], r["raw"]
    graph, peer = ours["graph_store"], raw["inmemory_store"]
    single = [
        ["`remember` (public sync client)", ours["remember"]["p50_ms"], ours["remember"]["p95_ms"]],
        ["embed one + SQLite insert (raw)", *raw["embed_and_sqlite_insert"].values()],
        ["Chroma `add` alone (raw)", *raw["chroma_add"].values()],
    ]
    batch = [
        [f"`remember_many`, {r['batch']} a call", ours["remember_many_per_s"]],
        [f"embedder alone, batches of {r['batch']}", raw["embed_batch_per_s"]],
        [f"LangGraph store `batch` put, {r['batch']} items", graph["batch_put_per_s"]],
        [f"`InMemoryStore` `batch` put, {r['batch']} items", peer["batch_put_per_s"]],
    ]
    graph_rows = [
        ["put p50 ms", graph["put_p50_ms"], peer["put_p50_ms"]],
        ["get ops/s", graph["get_per_s"], peer["get_per_s"]],
        ["list_namespaces ms", graph["list_namespaces_ms"], peer["list_namespaces_ms"]],
        ["batch put items/s", graph["batch_put_per_s"], peer["batch_put_per_s"]],
    ]
    return [
        (["single write", "p50 ms", "p95 ms"], single),
        (["batch write", "memories/s"], batch),
        (["LangGraph store", "MemoryGraphStore (ours)", "InMemoryStore, same embedder"],
         graph_rows),
        (["ours / raw", "ratio"], [[k, v] for k, v in r["ratios"].items()]),
    ]  # fmt: skip


B5_MAIN = {"hybrid_recall": "ours (recall)", "bm25": "BM25 (rank_bm25)", "dense": "dense only"}


def b5(r: dict[str, Any]) -> list[Table]:
    rows = []
    for name, t in r["results"].items():
        label = B5_MAIN.get(name, name if name == "fts5" else f"fusion variant {name}")
        rows.append(
            [label, *(t["all"][f"R@{k}"] for k in (1, 5, 10, 25))]
            + [t[f"cat{c}"]["R@10"] for c in (1, 2, 3, 4)]
        )
    header = ["method", "R@1", "R@5", "R@10", "R@25", "R@10 multi-hop", "temporal", "open domain",
              "single hop"]  # fmt: skip
    size = [["conversations", r.get("conversations", "all")], ["turns", r["turns"]],
            ["questions", r["results"]["hybrid_recall"]["all"]["n"]]]  # fmt: skip
    return [(header, rows), (["data", "value"], size)]


def b6(r: dict[str, Any]) -> list[Table]:
    rows = []
    for size, x in sizes_of(r):
        rows.append([
            size, x["vectors"], x["ingest_per_s"], x["recall_p50_ms"], x["recall_p95_ms"],
            x["chroma_query_p50_ms"], x["chroma_query_p95_ms"], x["numpy_exact_p50_ms"],
            x.get("embed_query_p50_ms", "-"), x.get("recall_over_chroma_plus_embed_p50", "-"),
        ])  # fmt: skip
    header = ["memories", "vectors", "ingest/s", "ours p50 ms", "ours p95 ms",
              "Chroma query p50 ms", "Chroma p95 ms", "numpy exact p50 ms",
              "query embedding p50 ms", "ours p50 / (Chroma + embedding) p50"]  # fmt: skip
    return [(header, rows)]


def sizes_of(r: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return sorted((int(k), v) for k, v in r.items() if k.isdigit())


def b6b(r: dict[str, Any]) -> list[Table]:
    rows = [
        [x["processes"], x["ops_per_s"], x["recalls"], x["p50_ms"], x["p99_ms"],
         x["recall_max_ms"], x["recall_p99_vs_first"]]
        for x in r["levels"]
    ]  # fmt: skip
    header = ["processes", "ops/s (all)", "recalls", "recall p50 ms", "recall p99 ms",
              "recall max ms", "p99 / p99 at the first level"]  # fmt: skip
    return [(header, rows)]


def b7(r: dict[str, Any]) -> list[Table]:
    rows = []
    for key, x in r.items():
        if key.count("/") == 2:
            store, workers, op = key.split("/")
            rows.append([op, store, workers, x["rps"], x["p50_ms"], x["p99_ms"],
                         r["in_process"].get(op)])  # fmt: skip
    header = ["call", "sessions", "processes", "req/s", "p50 ms", "p99 ms", "in-process ops/s"]
    return [(header, rows)]


def b7b(r: dict[str, Any]) -> list[Table]:
    rows = []
    for key, x in r.items():
        if key.count("/") == 1:
            workers, op = key.split("/")
            rows.append([op, workers, x["rps"], x["p50_ms"], x["p99_ms"]])
    return [(["call", "processes", "req/s", "p50 ms", "p99 ms"], rows)]


def b8(r: dict[str, Any]) -> list[Table]:
    figures = r["figures"]
    noop = figures["bench_noop"]["p50_ms"]
    rows = [
        [name, f["p50_ms"], f["p95_ms"], f["p50_ms"] - noop, f.get("in_process_p50_ms")]
        for name, f in figures.items()
    ]
    header = ["tool", "p50 ms", "p95 ms", "p50 above the no-op ms", "in process p50 ms"]
    return [(header, rows)]


RENDER: dict[str, Callable[[dict[str, Any]], list[Table]]] = {
    "B1": b1, "B2": b2, "B3": b3, "B4b": b4b, "B5": b5, "B6": b6, "B6b": b6b, "B7": b7,
    "B7b": b7b, "B8": b8,
}  # fmt: skip


def suite_section(key: str, suite: dict[str, Any], plots: dict[str, str]) -> str:
    parts = [f"## {key}: {suite['title']}", f"`{suite['command']}` ({suite['seconds']} s)"]
    if suite["status"] != "ok":
        parts.append(f"**{suite['status']}**:\n\n```\n{suite.get('message', '')}\n```")
        return "\n\n".join(parts)
    try:
        tables = RENDER[key](suite["result"])
    except (KeyError, TypeError, ZeroDivisionError) as exc:  # a suite changed its JSON
        tables = []
        parts.append(f"(no table: the result has no {exc}; see the JSON file)")
    parts += [md_table(header, rows) for header, rows in tables]
    if key in plots:
        parts.append(f"![{suite['title']}]({plots[key]})")
    return "\n\n".join(parts)


def machine_section(run: dict[str, Any]) -> str:
    m = run["machine"]
    rows = [
        ["CPU", m.get("cpu")], ["cores", m.get("cpus")], ["RAM (GB)", m.get("ram_gb")],
        ["Python", m.get("python")], ["platform", m.get("platform")],
        ["load average (1 min) at the start", m.get("load_average_1m")],
        ["command", f"`{m.get('command')}`"], ["mode", run["mode"]],
        ["started (UTC)", run["started"]], ["total seconds", run.get("seconds")],
    ]  # fmt: skip
    versions = [[name, v or "not installed"] for name, v in m.get("versions", {}).items()]
    return "\n\n".join(
        ["## Machine and versions", md_table(["", ""], rows),
         md_table(["package", "version"], versions)]
    )  # fmt: skip


def render(run: dict[str, Any], doc: Path = DOC, images: Path = IMAGES) -> Path:
    """Write ``doc`` (and the PNGs beside it) from one run's JSON; returns the doc's path."""
    plots: dict[str, str] = {}
    try:
        import plots as plotting
    except ImportError as exc:  # matplotlib missing: tables only
        notes = [f"(plots skipped: {exc}; `make bench-quick` installs matplotlib)"]
    else:
        written, notes = plotting.draw_all(run, images)
        plots = {k: str(p.relative_to(doc.parent)) for k, p in written.items()}
    goals = md_table(["suite", "what it measures", "peers in the same run", "goal"], GOALS)
    sections = [INTRO.format(goals=goals), machine_section(run), *notes]
    sections += [suite_section(k, s, plots) for k, s in run["suites"].items()]
    doc.write_text("\n\n".join(sections).rstrip() + "\n")
    return doc


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    print(f"wrote {render(json.loads(Path(argv[0]).read_text()))}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main(sys.argv[1:]))
