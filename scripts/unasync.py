"""Write the synchronous client from the asynchronous one (httpcore's approach).

python scripts/unasync.py          # regenerate src/agent_session_memory/client/sync_client.py
python scripts/unasync.py --check  # exit 1 if the generated file is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CLIENT = Path(__file__).resolve().parent.parent / "src" / "agent_session_memory" / "client"
SOURCE = CLIENT / "async_client.py"
TARGET = CLIENT / "sync_client.py"

# Whole-word replacements, applied in order.
WORDS = [
    ("AsyncMemoryClient", "MemoryClient"),
    ("AsyncTransport", "Transport"),
    ("build_async_transport", "build_transport"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
]
PATTERNS = [
    (re.compile(r"\basync def\b"), "def"),
    (re.compile(r"\bawait "), ""),
    (re.compile(r"\basync with\b"), "with"),
    (re.compile(r"\basync for\b"), "for"),
]
SYNC_DOCSTRING = (
    '"""``MemoryClient``: the public synchronous API (the twin of AsyncMemoryClient).\n'
)
HEADER = "# Generated from async_client.py by scripts/unasync.py: edit that file, not this one.\n"


def generate() -> str:
    text = SOURCE.read_text()
    for old, new in WORDS:
        text = re.sub(rf"\b{old}\b", new, text)
    for pattern, new in PATTERNS:
        text = pattern.sub(new, text)
    _, _, body = text.partition('"""\n\nfrom __future__')
    return HEADER + SYNC_DOCSTRING + '"""\n\nfrom __future__' + body


def main(argv: list[str]) -> int:
    expected = generate()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text() != expected:
            print(f"{TARGET} is out of date: run python scripts/unasync.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(expected)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
