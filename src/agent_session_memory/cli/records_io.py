"""Reading an import file: JSON lines, UTF-8 with or without a BOM; bad input is an
``InvalidInput`` naming the line, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InvalidInput

Progress = Callable[[Iterable[Any], int, str], Iterator[Any]]


def read_records(path: Path, progress: Progress) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM (Windows editors) is not content
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file", field="file") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text ({exc.reason})", field="file") from None
    lines = text.splitlines()
    records = []
    for n, line in enumerate(progress(lines, len(lines), "reading"), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line, parse_constant=_no_constant))
        except (ValueError, RecursionError) as exc:
            raise InvalidInput(f"{path}: line {n} is not JSON: {exc}", field="file") from None
    return records


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


__all__ = ["read_records"]
