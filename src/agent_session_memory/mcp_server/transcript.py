"""What matters in a Claude Code transcript (JSON lines), read within a fixed budget.

Deterministic, no LLM: the first user prompt is the task, the last one the latest request, the
last assistant text the latest outcome, and the files Claude edited are listed. The engine's
scorer then decides what of it is worth committing, like any working-memory item.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEAD_BYTES = 256 * 1024  # where the first prompt is
TAIL_BYTES = 4 * 1024 * 1024  # where the latest turns are
MAX_TEXT = 2_000
MAX_FILES = 50
EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})


@dataclass
class TranscriptDigest:
    first_prompt: str | None = None
    last_prompt: str | None = None
    last_answer: str | None = None
    files_edited: list[str] = field(default_factory=list)

    def items(self) -> dict[str, Any]:
        """Working-memory items (only what was found)."""
        items: dict[str, Any] = {
            "task": self.first_prompt,
            "latest_request": self.last_prompt if self.last_prompt != self.first_prompt else None,
            "latest_outcome": self.last_answer,
            "files_edited": self.files_edited or None,
        }
        return {key: value for key, value in items.items() if value}


def read_transcript(path: str | os.PathLike[str] | None) -> TranscriptDigest:
    """The digest of a transcript; an unreadable or missing one gives an empty digest."""
    digest = TranscriptDigest()
    if not path:
        return digest
    for entry in _entries(Path(path)):
        _take(digest, entry)
    return digest


def _entries(path: Path) -> list[dict[str, Any]]:
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            if size <= HEAD_BYTES + TAIL_BYTES:
                data = f.read()
            else:
                head = f.read(HEAD_BYTES)
                f.seek(size - TAIL_BYTES)
                data = head + b"\n" + f.read()
    except OSError:
        return []
    entries = []
    for line in data.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut by the head/tail window, or not JSON
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def _take(digest: TranscriptDigest, entry: dict[str, Any]) -> None:
    message = entry.get("message")
    if not isinstance(message, dict) or entry.get("isMeta"):
        return
    kind = entry.get("type")
    if kind == "user":
        text = _text(message.get("content"))
        if text and not text.startswith("<"):  # "<command-name>…": slash commands, not prompts
            digest.first_prompt = digest.first_prompt or text
            digest.last_prompt = text
    elif kind == "assistant":
        text = _text(message.get("content"))
        if text:
            digest.last_answer = text
        for path in _edited(message.get("content")):
            if path not in digest.files_edited and len(digest.files_edited) < MAX_FILES:
                digest.files_edited.append(path)


def _text(content: Any) -> str | None:
    if isinstance(content, str):
        parts = [content]
    elif isinstance(content, list):
        parts = [
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        ]
    else:
        return None
    text = "\n".join(p for p in parts if p).strip()
    return text[:MAX_TEXT] or None


def _edited(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    paths = []
    for block in content:
        if isinstance(block, dict) and block.get("type") == "tool_use":
            tool_input = block.get("input")
            if block.get("name") in EDIT_TOOLS and isinstance(tool_input, dict):
                path = tool_input.get("file_path") or tool_input.get("notebook_path")
                if isinstance(path, str):
                    paths.append(path)
    return paths
