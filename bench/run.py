"""Run every benchmark and write docs/benchmarks.md from their JSON results.

python bench/run.py            # everything (a few minutes on 2 cores)
python bench/run.py --quick    # smaller sizes, for a smoke run
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "benchmarks.md"

BENCHES = [
    ("B1 working memory (store level)", "bench_session_store.py", []),
    ("B2 last 2,000 tokens", "bench_token_window.py", []),
    ("B3 embeddings and commit", "bench_embeddings.py", []),
    ("B5 LoCoMo recall", "locomo.py", []),
    ("B6 recall latency", "bench_recall.py", []),
    ("B7 HTTP API", "bench_http.py", []),
    ("B8 MCP tool round trip", "bench_mcp.py", []),
    ("B7b server mode (Redis + Chroma server + PostgreSQL)", "bench_server_mode.py", []),
]
QUICK = {
    "bench_token_window.py": ["--sizes", "100,1000,10000"],
    "bench_http.py": ["--seconds", "2", "--rounds", "1"],
    "bench_mcp.py": ["--calls", "100", "--rounds", "1"],
    "bench_server_mode.py": ["--seconds", "2", "--rounds", "1"],
}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    sections = []
    for title, script, args in BENCHES:
        path = HERE / script
        if not path.exists():
            continue
        extra = QUICK.get(script, []) if quick else []
        print(f"\n### {title}: python bench/{script} {' '.join(args + extra)}", flush=True)
        proc = subprocess.run(
            [sys.executable, str(path), *args, *extra], capture_output=True, text=True
        )
        output = (proc.stdout + proc.stderr).strip()
        print(output)
        sections.append(
            f"## {title}\n\n`python bench/{script} {' '.join(args + extra)}`"
            f"\n\n```\n{output}\n```\n"
        )
    machine = ""
    results = sorted((HERE / "results").glob("*.json"))
    if results:
        machine = json.dumps(json.loads(results[0].read_text()).get("machine", {}), indent=2)
    DOC.write_text(
        "# Benchmarks\n\nWritten by `python bench/run.py` (see ../shared/BENCHMARKS.md for what "
        "each figure means and its goal). Raw results: `bench/results/*.json`.\n\n"
        f"Machine and versions:\n\n```json\n{machine}\n```\n\n" + "\n".join(sections)
    )
    print(f"\nwrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
