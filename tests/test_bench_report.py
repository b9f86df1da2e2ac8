"""docs/benchmarks.md is rendered from a run's JSON alone (bench/report.py), with or without
matplotlib: a table per suite, the machine and versions, and why a suite was skipped."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import report


def a_run() -> dict[str, Any]:
    return {
        "mode": "quick",
        "started": "2026-12-03T10:00:00+00:00",
        "seconds": 12.5,
        "machine": {
            "cpu": "Test CPU",
            "cpus": 2,
            "ram_gb": 8.0,
            "python": "3.11.7",
            "platform": "Linux",
            "versions": {"agent-session-memory": "0.1.0", "rank-bm25": None},
            "command": "python bench/run.py --quick",
        },
        "suites": {
            "B2": {
                "title": "Last 2,000 tokens of a session",
                "command": "python bench/bench_token_window.py --sizes 100,1000",
                "seconds": 3.0,
                "status": "ok",
                "result": {
                    "budget": 2000,
                    "flatness": 1.1,
                    "results": [
                        {
                            "messages": 100,
                            "ours_ms": 0.5,
                            "ours_tokens": 2000,
                            "llamaindex_ms": 0.4,
                            "langchain_trim_ms": 0.3,
                        },
                        {
                            "messages": 1000,
                            "ours_ms": 0.55,
                            "ours_tokens": 1990,
                            "llamaindex_ms": None,
                            "langchain_trim_ms": 7.5,
                        },
                    ],
                },
            },
            "B5": {
                "title": "LoCoMo recall",
                "command": "python bench/locomo.py --conversations 1",
                "seconds": 0.2,
                "status": "skipped",
                "message": "B5 skipped: LoCoMo data not found at /nowhere.json",
            },
        },
    }


def test_the_page_has_each_suite_s_table_the_machine_and_the_reason_for_a_skip(
    tmp_path: Path,
) -> None:
    doc = report.render(a_run(), tmp_path / "benchmarks.md", tmp_path / "images")
    text = doc.read_text()

    assert "| CPU | Test CPU |" in text
    assert "| rank-bm25 | not installed |" in text
    assert "`python bench/run.py --quick`" in text
    assert "| 1,000 | 0.55 | 1,990 | skipped (too slow) | 7.5 |" in text
    assert "## B5: LoCoMo recall" in text
    assert "B5 skipped: LoCoMo data not found at /nowhere.json" in text
    for png in (tmp_path / "images").glob("*.png"):  # only when matplotlib is installed
        assert f"images/{png.name}" in text
