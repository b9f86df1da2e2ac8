"""Text cleaning for both directions: what user content may put in front of a model, and what a
model's reply may put into a memory.

Terminal escapes, control characters, bidirectional overrides, zero-width and Unicode tag
characters are invisible to a person reading the memory but not to a model: they are how
instructions get smuggled into text. They are removed, not escaped.
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (titles, hyperlinks)
    r"|\x1b[@-Z\\-_]?"  # any other escape, or a lone ESC
)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab and newline) and C1 controls
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"  # zero-width, bidi
    "\U000e0000-\U000e007f]"  # tag characters (invisible ASCII)
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def strip_controls(text: str) -> str:
    """``text`` without escape sequences and invisible characters (tab and newline stay)."""
    return _INVISIBLE.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


def clean(text: str, limit: int) -> str:
    """``text`` without control sequences, blank runs folded, cut to ``limit`` characters."""
    return cut(_BLANK_LINES.sub("\n\n", strip_controls(text)).strip(), limit)


def one_line(text: str, limit: int) -> str:
    """``clean`` with all white space folded to single spaces (facts, summaries)."""
    return cut(" ".join(strip_controls(text).split()), limit)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
