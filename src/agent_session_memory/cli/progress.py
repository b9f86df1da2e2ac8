"""A minimal progress bar on stderr for long CLI work (export, import); silent when not a tty."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int | None, label: str) -> Iterator[T]:
    stream = sys.stderr
    show = stream.isatty()
    for done, item in enumerate(items, 1):
        yield item
        if show and (done % 50 == 0 or done == total):
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
