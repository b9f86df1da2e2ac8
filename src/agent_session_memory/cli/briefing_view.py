"""``asm briefing``: a briefing laid out for a terminal (plain text, no colour codes to strip)."""

from __future__ import annotations

import shutil
import textwrap
from datetime import datetime

from ..models import ActivityEntry, Briefing, Memory, OpenThread

MAX_WIDTH = 100
_STATUS = {"in_progress": "in progress", "blocked": "BLOCKED", "waiting": "waiting"}


def _when(dt: datetime) -> str:
    return f"{dt:%a %Y-%m-%d %H:%M}"


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
    ) or [first or indent]


def _window(hours: float) -> str:
    if hours >= 48 and hours % 24 == 0:
        return f"last {int(hours // 24)} days"
    return f"last {hours:g} hours"


def _activity(entry: ActivityEntry, width: int) -> list[str]:
    head = f"  • {_when(entry.last_activity)}  {entry.status.value:<7}  "
    lines = _wrap(entry.summary, width, " " * len(head), head)
    pad = " " * len(head)
    if entry.key_decisions:
        lines += _wrap("; ".join(entry.key_decisions), width, pad + "  ", pad + "decided: ")
    if entry.memories_created:
        lines.append(f"{pad}memories created: {entry.memories_created}")
    return lines


def _thread(thread: OpenThread, width: int) -> list[str]:
    head = f"  [{_STATUS.get(thread.status.value, thread.status.value):<11}] "
    source = thread.source.replace("_", " ")
    text = f"{thread.topic}  (last active {_when(thread.last_activity)}, {source})"
    lines = _wrap(text, width, " " * len(head), head)
    lines += [f"{' ' * len(head)}- {m[: width - len(head) - 2]}" for m in thread.key_memories[:3]]
    return lines


def _memory(memory: Memory, width: int) -> list[str]:
    head = f"  {memory.importance:.2f}  {memory.type:<10} "
    tags = f"  #{' #'.join(memory.tags)}" if memory.tags else ""
    return _wrap(memory.content + tags, width, " " * len(head), head)


def render_briefing(briefing: Briefing, *, width: int | None = None) -> str:
    """The briefing as sections: summary, recent activity, open threads, top memories."""
    width = width or min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns)
    title = (
        f"Briefing for {briefing.workspace_id} — {_window(briefing.lookback_hours)} "
        f"(as of {briefing.generated_at:%Y-%m-%d %H:%M} UTC)"
    )
    out = [title, "=" * min(len(title), width), *_wrap(briefing.workspace_summary, width, ""), ""]
    out += ["Summary", *_wrap(briefing.recent_activity_summary, width, "  "), ""]
    out.append(f"Recent activity ({len(briefing.recent_activity)})")
    for entry in briefing.recent_activity:
        out += _activity(entry, width)
    if not briefing.recent_activity:
        out.append("  nothing in this window")
    out += ["", f"Open threads ({len(briefing.open_threads)})"]
    for thread in briefing.open_threads:
        out += _thread(thread, width)
    if not briefing.open_threads:
        out.append("  none")
    if briefing.memories:
        out += ["", "Top memories"]
        for memory in briefing.memories:
            out += _memory(memory, width)
    return "\n".join(out) + "\n"
