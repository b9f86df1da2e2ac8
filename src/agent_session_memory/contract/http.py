"""How an operation's parameters travel in an HTTP request: path, query string or body.

Written once for both ends: the remote transport builds requests with ``build_request`` and the
server reads them back with ``read_query`` / ``read_lines``. In a query string a list is the
parameter repeated, ``true``/``false`` are booleans and an empty value is null.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..errors import InvalidInput
from .operation import Operation
from .wire import loads

QueryValue = str | int | float | bool | None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: list[tuple[str, QueryValue]]
    json: dict[str, Any] | None = None
    lines: bytes | None = None


def build_request(op: Operation, params: Mapping[str, Any]) -> Request:
    """A request for JSON-ready ``params`` (see ``wire.encode_params``)."""
    route = op.route
    path = route.path
    for name in route.path_params:
        path = path.replace("{" + name + "}", quote(_segment(name, params[name]), safe=""))
    rest = {k: v for k, v in params.items() if k not in route.path_params}
    if route.lines and isinstance(route.lines, str):
        records = rest.pop(route.lines)
        return Request(route.method, path, _query(rest), lines=dump_lines(records))
    if route.in_query:
        return Request(route.method, path, _query(rest))
    return Request(route.method, path, [], json=rest)


def _segment(name: str, value: Any) -> str:
    """A path parameter that routes to exactly its operation (ids never hold these anyway)."""
    if not isinstance(value, str) or value in ("", ".", "..") or "/" in value:
        raise InvalidInput(f"{name}: {value!r} is not a valid id", field=name)
    return value


def _query(params: Mapping[str, Any]) -> list[tuple[str, QueryValue]]:
    query: list[tuple[str, QueryValue]] = []
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            query.append((name, _scalar(item)))
    return query


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_query(
    op: Operation, names: Iterable[str], values: Callable[[str], list[str]]
) -> dict[str, Any]:
    """Parameters from a query string (``values(name)`` gives every value of ``name``)."""
    data: dict[str, Any] = {}
    for name in names:
        given = values(name)
        if name in op.list_params:
            data[name] = None if given == [""] else given
        elif len(given) > 1:
            raise InvalidInput(f"{name}: given {len(given)} times, expected once", field=name)
        else:
            data[name] = given[0] or None
    return data


def unicode_refusal(exc: UnicodeEncodeError) -> InvalidInput:
    """What the engine says of a lone surrogate, said by the remote client (which cannot send
    one in UTF-8 JSON), so both transports raise the same error."""
    text = exc.object if isinstance(exc.object, str) else ""
    char = f" U+{ord(text[exc.start]):04X}" if text else ""
    return InvalidInput(f"a parameter is not valid Unicode: a lone surrogate{char}")


def dump_lines(records: Iterable[Any]) -> bytes:
    """JSON lines: one compact JSON document a line."""
    return b"".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        + b"\n"
        for record in records
    )


def read_lines(body: bytes) -> list[Any]:
    """The records of a JSON-lines body; a bad line is an ``InvalidInput`` naming its number."""
    records = []
    for number, line in enumerate(body.splitlines(), start=1):
        if line.strip():
            try:
                records.append(loads(line))
            except InvalidInput as exc:
                raise InvalidInput(f"line {number}: {exc.message}", line=number) from None
    return records
