"""``asm doctor``, ``asm repair`` and what ``asm gc`` does beyond the sweep (retention,
``--compact``): thin shells over ``engine/maintenance``."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from .. import validation
from ..config import Settings
from ..engine.maintenance import compact_home, diagnose, prune_events, repair_home
from ..errors import ConfigurationError
from ..limits import Limits
from .progress import progress

MARK = {"ok": "ok   ", "warn": "WARN ", "error": "ERROR"}


def add_parsers(sub: Any) -> None:
    sub.add_parser("doctor", help="check every store of the home and their agreement")
    p = sub.add_parser("repair", help="rebuild the vector and lexical indexes from the memory rows")
    p.add_argument("--full", action="store_true", help="re-embed every memory, not only missing")
    p = sub.add_parser(
        "language", help="stem a workspace's lexical index in another language (server mode)"
    )
    p.add_argument("language", help="a Snowball language (french, german, ...) or simple")


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


def cmd_language(args: argparse.Namespace) -> int:
    """Server mode keeps each workspace's language in PostgreSQL (docs/deploy.md): this
    re-indexes the workspace's rows in ``language``, for every API process at once."""
    settings = Settings.from_env(home=args.path)
    url = settings.postgres_url()
    if url is None:
        raise ConfigurationError(
            "lexical languages are a server-mode setting (AGENT_MEMORY_LEXICAL_URL=postgresql://"
            "...): the embedded index stems English"
        )
    from ..stores.longterm.pg_rows import PostgresRows  # the postgres extra

    workspace_id = validation.workspace_id(args.workspace or settings.workspace_id, Limits())
    rows = PostgresRows(url, languages=settings.lexical_languages)
    try:
        changed = rows.set_language(workspace_id, args.language)
    finally:
        rows.close()
    print(f"workspace {workspace_id} is stemmed in {args.language}: {changed} memories re-indexed")
    return 0


COMMANDS = {"doctor": cmd_doctor, "repair": cmd_repair, "language": cmd_language}

__all__ = ["COMMANDS", "add_parsers", "after_sweep"]
