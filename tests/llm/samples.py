"""What the LLM plug-in tests score, extract from and summarise (shared by tests/llm and the
framework adapters' tests, so every framework is judged on the same items)."""

from __future__ import annotations

from datetime import UTC, datetime

from agent_session_memory import Briefing
from agent_session_memory.engine.protocols import ScoringItem

ITEMS = [
    ScoringItem("decision_db", "Postgres", "decision_db: We chose Postgres", 0, 2),
    ScoringItem("tmp_cursor", 3, "tmp_cursor: 3", 0, 0),
]
BRIEFING = Briefing(
    workspace_id="w",
    generated_at=datetime.now(UTC),
    lookback_hours=24,
    workspace_summary="2 memories",
    recent_activity_summary="Deterministic.",
)
