"""The PNG plots of docs/benchmarks.md (matplotlib, Agg backend), from one run's JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

OURS = "#1f77b4"
PEERS = ["#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]


def draw_all(run: dict[str, Any], folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Every plot the run's results allow: ``({suite key: png}, [notes on plots left out])``."""
    folder.mkdir(parents=True, exist_ok=True)
    results = {k: s["result"] for k, s in run["suites"].items() if s["status"] == "ok"}
    drawn: dict[str, Path] = {}
    notes = []
    for key, name, draw in (
        ("B2", "history-read.png", history_read),
        ("B4b", "write-throughput.png", write_throughput),
        ("B5", "locomo-recall-at-k.png", locomo_curves),
        ("B6", "recall-latency.png", recall_latency),
        ("B6b", "many-processes.png", many_processes),
    ):
        suite = run["suites"].get(key)
        if key not in results and not (key == "B4b" and "B1" in results):
            if suite is not None:
                why = suite.get("message", suite["status"])
                notes.append(f"Plot for {key} left out: {why}")
            continue
        fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
        draw(ax, results)
        plain_numbers(ax)
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend() is None:
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(folder / name)
        plt.close(fig)
        drawn[key] = folder / name
    if "B4b" not in results and "B1" in results:
        drawn["B1"] = drawn.pop("B4b")
    return drawn, notes


def plain_numbers(ax: Any) -> None:
    """Log axes labelled 1, 2, 5, 10, 20 ... rather than 10^0 (and no crowded minor labels)."""
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        if scale == "log" and not isinstance(axis.get_major_locator(), FixedLocator):
            axis.set_major_locator(LogLocator(subs=(1, 2, 5)))
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
            axis.set_minor_formatter(NullFormatter())


def history_read(ax: Any, results: dict[str, Any]) -> None:
    rows = results["B2"]["results"]
    for label, field, color in (
        ("ours: get_messages(max_tokens=2000)", "ours_ms", OURS),
        ("LlamaIndex ChatMemoryBuffer.get()", "llamaindex_ms", PEERS[0]),
        ("LangChain trim_messages", "langchain_trim_ms", PEERS[1]),
    ):
        points = [(r["messages"], r[field]) for r in rows if r[field] is not None]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", label=label, color=color)
    ax.set(xscale="log", yscale="log", xlabel="messages in the session",
           ylabel="ms to read the last 2,000 tokens",
           title="B2: history read time against history length")  # fmt: skip


def recall_latency(ax: Any, results: dict[str, Any]) -> None:
    sizes = sorted((int(k), v) for k, v in results["B6"].items() if k.isdigit())
    n = [s for s, _ in sizes]
    for label, field, color in (
        ("ours: recall k=10 (query embedding included)", "recall", OURS),
        ("Chroma query alone", "chroma_query", PEERS[0]),
        ("exact numpy search", "numpy_exact", PEERS[1]),
    ):
        ax.plot(n, [v[f"{field}_p50_ms"] for _, v in sizes], marker="o", color=color,
                label=f"{label}, p50")  # fmt: skip
        ax.plot(n, [v[f"{field}_p95_ms"] for _, v in sizes], marker=".", linestyle="--",
                color=color, alpha=0.6, label=f"{label}, p95")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlabel="memories in the workspace", ylabel="ms",
           title="B6: recall latency against memory count")  # fmt: skip


def write_throughput(ax: Any, results: dict[str, Any]) -> None:
    """Pairs of bars, ours next to the raw engine doing the same work, in writes per second."""
    bars: list[tuple[str, float, bool]] = []  # (label, writes/s, ours?)
    if "B1" in results:
        ops = results["B1"]["ops_per_second_median"]
        for ours, raw in (
            ("SQLite set_context", "sqlite3 raw upsert"),
            ("Redis set_context", "redis-py raw SET"),
        ):
            if ours in ops and raw in ops:
                bars += [(f"B1 {ours}", ops[ours], True), (f"B1 {raw}", ops[raw], False)]
    if "B4b" in results:
        ours4, raw4 = results["B4b"]["ours"], results["B4b"]["raw"]
        bars += [
            ("B4b remember (1 / p50)", 1000 / ours4["remember"]["p50_ms"], True),
            ("B4b embed + SQLite insert (1 / p50)",
             1000 / raw4["embed_and_sqlite_insert"]["p50_ms"], False),
            ("B4b Chroma add alone (1 / p50)", 1000 / raw4["chroma_add"]["p50_ms"], False),
            ("B4b remember_many", ours4["remember_many_per_s"], True),
            ("B4b embedder, same batches", raw4["embed_batch_per_s"], False),
            ("B4b LangGraph store batch put", ours4["graph_store"]["batch_put_per_s"], True),
            ("B4b InMemoryStore batch put", raw4["inmemory_store"]["batch_put_per_s"], False),
        ]  # fmt: skip
    labels = [b[0] for b in bars][::-1]
    values = [b[1] for b in bars][::-1]
    colors = [OURS if b[2] else PEERS[0] for b in bars][::-1]
    ax.barh(labels, values, color=colors)
    ax.legend(handles=[Patch(color=OURS, label="ours"),
                       Patch(color=PEERS[0], label="raw engine / peer")])  # fmt: skip
    ax.set(xscale="log", xlabel="writes per second (log)", xlim=(min(values) / 2, None),
           title="Write throughput against the raw engines")  # fmt: skip
    ax.tick_params(axis="y", labelsize=7)


def locomo_curves(ax: Any, results: dict[str, Any]) -> None:
    table = results["B5"]["results"]
    ks = [1, 5, 10, 25]
    for name, label, color in (
        ("hybrid_recall", "ours (hybrid recall)", OURS),
        ("bm25", "BM25 (rank_bm25)", PEERS[0]),
        ("dense", "dense MiniLM only", PEERS[1]),
    ):
        if name in table:
            ax.plot(ks, [table[name]["all"][f"R@{k}"] for k in ks], marker="o", label=label,
                    color=color)  # fmt: skip
    ax.set(xscale="log", xticks=ks, xticklabels=[str(k) for k in ks], ylim=(0, 1),
           xlabel="k", ylabel="evidence recall@k",
           title="B5: LoCoMo evidence recall@k (categories 1-4)")  # fmt: skip


def many_processes(ax: Any, results: dict[str, Any]) -> None:
    levels = results["B6b"]["levels"]
    n = [x["processes"] for x in levels]
    ax.plot(n, [x["p50_ms"] for x in levels], marker="o", color=OURS, label="recall p50")
    ax.plot(n, [x["p99_ms"] for x in levels], marker="o", color=PEERS[2], label="recall p99")
    ax.set(yscale="log", xticks=n, xlabel="processes on one embedded home", ylabel="ms",
           title="B6b: recall latency under a mixed load from many processes")  # fmt: skip
