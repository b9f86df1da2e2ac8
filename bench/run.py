"""Run every benchmark suite, gather their results in one JSON file, and write docs/benchmarks.md.

    python bench/run.py            # full sizes (make bench)
    python bench/run.py --quick    # smaller sizes, under 5 minutes on 2 cores (make bench-quick)
    python bench/run.py --only B4b,B6b --quick

Each suite runs in its own process (a crash or a hang in one does not take the others down) and
writes ``bench/results/<name>.json``; this file collects them into
``bench/results/<YYYY-MM-DD>.json`` with the machine line, then ``report.py`` renders the tables
and plots from that file alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report
from common import RESULTS, machine

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Suite:
    key: str
    title: str
    script: str
    result: str  # the script writes bench/results/<result>.json
    full: tuple[str, ...] = ()
    quick: tuple[str, ...] = ()


SUITES = [
    Suite("B1", "Working memory (store level)", "bench_session_store.py", "session_store",
          quick=("--ops", "2000")),
    Suite("B2", "Last 2,000 tokens of a session", "bench_token_window.py", "token_window",
          quick=("--sizes", "100,1000,10000")),
    Suite("B3", "Embeddings and commit", "bench_embeddings.py", "embeddings",
          quick=("--sentences", "256")),
    Suite("B4b", "Write path", "bench_write_path.py", "write_path",
          quick=("--calls", "40", "--batch", "32", "--batches", "2")),
    Suite("B5", "LoCoMo recall", "locomo.py", "locomo", quick=("--conversations", "1")),
    Suite("B6", "Recall latency", "bench_recall.py", "recall",
          full=("1000", "6000", "20000", "100000"), quick=("1000", "6000")),
    Suite("B6b", "Many processes on one home", "bench_many_processes.py", "many_processes",
          full=("--processes", "1,6", "--seconds", "20"),
          quick=("--processes", "1,3", "--seconds", "8", "--seed-memories", "100")),
    Suite("B7", "HTTP API", "bench_http.py", "http", quick=("--seconds", "2", "--rounds", "1")),
    Suite("B7b", "Server mode (Redis + Chroma server + PostgreSQL)", "bench_server_mode.py",
          "server_mode", quick=("--seconds", "2", "--rounds", "1", "--processes", "1")),
    Suite("B8", "MCP tool round trip", "bench_mcp.py", "b8_mcp",
          quick=("--calls", "100", "--rounds", "1")),
]  # fmt: skip


def run_suite(suite: Suite, quick: bool, timeout: float) -> dict[str, Any]:
    """Run one suite's script; its JSON result, or why there is none."""
    args = list(suite.quick if quick else suite.full)
    command = " ".join(["python", f"bench/{suite.script}", *args])
    out = RESULTS / f"{suite.result}.json"
    out.unlink(missing_ok=True)  # never report a previous run's figures
    print(f"\n### {suite.key} {suite.title}: {command}", flush=True)
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(HERE / suite.script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output, code = (proc.stdout + proc.stderr).strip(), proc.returncode
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        output, code = f"timed out after {timeout:.0f} s; its output so far:\n{partial}", -1
    seconds = round(time.perf_counter() - started, 1)
    print(output, flush=True)
    entry: dict[str, Any] = {"title": suite.title, "command": command, "seconds": seconds}
    if code == 0 and out.exists():
        entry.update(status="ok", result=json.loads(out.read_text()))
    elif code == 0:  # the suite skipped itself (e.g. no LoCoMo data): its last line says why
        entry.update(status="skipped", message=output.splitlines()[-1] if output else "")
    else:
        entry.update(status="failed", message="\n".join(output.splitlines()[-15:]))
    return entry


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (< 5 minutes)")
    parser.add_argument("--only", help="comma-separated suite keys, e.g. B4b,B6b")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else None
    started = dt.datetime.now(dt.UTC)
    run = {
        "mode": "quick" if args.quick else "full",
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "suites": {},
    }
    run["machine"]["command"] = " ".join(["python", "bench/run.py", *argv])
    begin = time.perf_counter()
    for suite in SUITES:
        if wanted is None or suite.key in wanted:
            timeout = 600 if args.quick else 3600
            run["suites"][suite.key] = run_suite(suite, args.quick, timeout)
    run["seconds"] = round(time.perf_counter() - begin, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started:%Y-%m-%d}.json"
    if wanted is not None and path.exists():  # a partial run updates today's file
        earlier = json.loads(path.read_text())
        run["suites"] = {**earlier["suites"], **run["suites"]}
        run["machine"]["command"] = f"{earlier['machine']['command']}, then {' '.join(argv)}"
        run["seconds"] = round(earlier.get("seconds", 0) + run["seconds"], 1)
        run["suites"] = {s.key: run["suites"][s.key] for s in SUITES if s.key in run["suites"]}
    path.write_text(json.dumps(run, indent=2, default=str) + "\n")
    print(f"\nwrote {path} ({run['seconds']} s)")
    print(f"wrote {report.render(run)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
