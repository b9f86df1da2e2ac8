"""A minimal progress bar on stderr for long CLI work (export, import, repair); silent when not a
tty. It moves every 1% of a known total (repair's items are batches of 128 memories: a bar that
waited for 50 of them would stand still until 6,400 were embedded), else every 50 items."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int | None, label: str) -> Iterator[T]:
    stream = sys.stderr
    show = stream.isatty()
    step = max(1, total // 100) if total else 50
    for done, item in enumerate(items, 1):
        yield item
        if show and (done % step == 0 or done == total):
            bar = _bar(done, total)
            stream.write(f"\r{label} {bar} {done}{'' if total is None else f'/{total}'}")
            stream.flush()
    if show:
        stream.write("\n")


def _bar(done: int, total: int | None, width: int = 30) -> str:
    if not total:
        return ""
    filled = int(width * done / total)
    return "[" + "#" * filled + "." * (width - filled) + "]"
