"""A conversation as text a commit can keep, for both adapters.

A conversation becomes ``role: text`` lines (system messages left out: they are instructions,
not what was said), in chunks short enough for one memory each. Written into a session's
working memory under readable keys (``conversation excerpt 3``), the session's commit scores,
de-duplicates and supersedes them like any other item, and the memory reads
``conversation excerpt 3: user: ...``. Framework-free: each adapter says how to read a role and
a text from its messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ._bridge import Flow, call

EXCERPT_KEY = "conversation excerpt"
MAX_CHARS = 8000  # one chunk per memory: well under the 32 KiB content limit


def chunks(lines: Iterable[tuple[str, str]], limit: int = MAX_CHARS) -> list[str]:
    """``(role, text)`` pairs as ``role: text`` lines, in chunks of at most ``limit`` chars."""
    out: list[str] = []
    current = ""
    for role, text in lines:
        text = text.strip()
        if role == "system" or not text:
            continue
        for piece in _pieces(f"{role}: {text}", limit):
            if current and len(current) + 1 + len(piece) > limit:
                out.append(current)
                current = ""
            current = f"{current}\n{piece}" if current else piece
    if current:
        out.append(current)
    return out


def to_context(session_id: str, texts: Sequence[str], importance: float | None) -> Flow[None]:
    """The chunks as working-memory items ``conversation excerpt N`` (numbered on from the
    excerpts already there), written together."""
    if not texts:
        return
    keys = yield call("list_context_keys", session_id, EXCERPT_KEY)
    first = len(keys) + 1
    items = {f"{EXCERPT_KEY} {first + n}": text for n, text in enumerate(texts)}
    yield call("set_contexts", session_id, items, importance)


def _pieces(line: str, limit: int) -> list[str]:
    return [line[i : i + limit] for i in range(0, len(line), limit)] or [line]
