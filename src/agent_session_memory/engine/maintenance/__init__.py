"""Operator work on an embedded home: ``asm doctor`` (diagnose), ``asm repair`` (rebuild the
indexes from the canonical rows), ``asm gc`` (event retention, ``--compact``)."""

from __future__ import annotations

from .compact import CompactReport, compact_home, prune_events
from .doctor import Finding, diagnose
from .repair import RepairReport, repair_home

__all__ = [
    "CompactReport",
    "Finding",
    "RepairReport",
    "compact_home",
    "diagnose",
    "prune_events",
    "repair_home",
]
