"""``asm doctor``, ``asm repair`` and what ``asm gc`` does beyond the sweep (retention,
``--compact``): thin shells over ``engine/maintenance``."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ..config import Settings
from ..engine.maintenance import compact_home, diagnose, prune_events, repair_home
from .progress import progress

MARK = {"ok": "ok   ", "warn": "WARN ", "error": "ERROR"}


def add_parsers(sub: Any) -> None:
    sub.add_parser("doctor", help="check every store of the home and their agreement")
    p = sub.add_parser("repair", help="rebuild the vector and lexical indexes from the memory rows")
    p.add_argument("--full", action="store_true", help="re-embed every memory, not only missing")


def cmd_doctor(args: argparse.Namespace) -> int:
    """Exit 0 when healthy, 1 when something needs doing (the fix is printed beside it)."""
    findings = diagnose(Settings.from_env(home=args.path))
    for finding in findings:
        print(f"{MARK.get(finding.level, finding.level)} {finding.what}")
        if finding.fix:
            print(f"      -> {finding.fix}")
    bad = [f for f in findings if f.level != "ok"]
    print("healthy" if not bad else f"{len(bad)} problem(s) found")
    return 1 if bad else 0


def cmd_repair(args: argparse.Namespace) -> int:
    report = repair_home(Settings.from_env(home=args.path), full=args.full, progress=progress)
    for aside in report.moved_aside:
        print(f"the damaged vector index was moved to {aside} (delete it when satisfied)")
    print(
        f"repaired {report.workspaces} workspaces: {report.reembedded} memories re-embedded, "
        f"{report.reindexed} lexical entries rebuilt"
    )
    return 0


def after_sweep(engine: Any, args: argparse.Namespace) -> None:
    """``asm gc``'s second half: event retention always, compaction on ``--compact``."""
    dropped = prune_events(engine.store, engine.settings, time.time())
    print(f"dropped {dropped} events past the retention period")
    if getattr(args, "compact", False):
        report = compact_home(engine.settings)
        freed = report.bytes_before - report.bytes_after
        print(
            f"compacted: {report.bytes_before:,} -> {report.bytes_after:,} bytes "
            f"({freed:,} freed, {len(report.folders_removed)} dropped index folders removed)",
            file=sys.stdout,
        )


COMMANDS = {"doctor": cmd_doctor, "repair": cmd_repair}

__all__ = ["COMMANDS", "add_parsers", "after_sweep"]
