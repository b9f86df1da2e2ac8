"""A briefing as short Markdown for a model's context (the MCP prompt, resource and hooks)."""

from __future__ import annotations

from ..models import Briefing

MAX_ITEMS = 8


def briefing_markdown(briefing: Briefing) -> str:
    """Summary, open threads and top memories: what a model needs to pick up the work."""
    lines = [f"# Memory briefing: workspace {briefing.workspace_id}", ""]
    lines.append(briefing.workspace_summary or "No memories yet.")
    if briefing.recent_activity_summary:
        recent = briefing.recent_activity_summary
        lines += ["", f"Recently ({briefing.lookback_hours:g} h): {recent}"]
    if briefing.open_threads:
        lines += ["", "## Open threads"]
        lines += [
            f"- [{thread.status.value}] {thread.topic}"
            for thread in briefing.open_threads[:MAX_ITEMS]
        ]
    if briefing.memories:
        lines += ["", "## Key memories"]
        lines += [
            f"- ({memory.type}, {memory.importance:.2f}) {memory.content} [id {memory.id}]"
            for memory in briefing.memories[:MAX_ITEMS]
        ]
    return "\n".join(lines)
