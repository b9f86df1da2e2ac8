"""``asm call OPERATION name=value ...``: every operation of the registry from the shell.

The parameters are read like an HTTP query string (``name=value``; a list parameter repeated;
``true``/``false``; an empty value is null) or given whole as JSON with ``--json``; the result is
printed as JSON. It is the same client call as from Python, embedded or remote.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..client.sync_client import MemoryClient
from ..contract import OPERATIONS
from ..contract.http import read_query
from ..contract.wire import decode_params, encode_result
from ..errors import InvalidInput


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "call",
        help="run any operation: asm call OPERATION name=value ... (asm call --list)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("operation", nargs="?", help="an operation name (asm call --list)")
    p.add_argument("params", nargs="*", metavar="name=value", help="its parameters")
    p.add_argument("--json", dest="json_params", help="the parameters as one JSON object")
    p.add_argument("--list", action="store_true", help="list the operations and what they do")


def cmd_call(client: MemoryClient, args: argparse.Namespace) -> int:
    if args.list or not args.operation:
        for each in OPERATIONS.values():
            print(f"{each.name:<20} {each.summary}")
        return 0
    op = OPERATIONS.get(args.operation)
    if op is None:
        raise InvalidInput(f"no operation {args.operation!r} (asm call --list)")
    params = _params(op.name, args.params, args.json_params)
    if "workspace_id" in op.params and params.get("workspace_id") is None:
        params["workspace_id"] = args.workspace
    result = getattr(client, op.name)(**params)
    print(json.dumps(json.loads(encode_result(op, result)), indent=2, ensure_ascii=False))
    return 0


def _params(name: str, pairs: list[str], json_params: str | None) -> dict[str, Any]:
    op = OPERATIONS[name]
    if json_params is not None:
        try:
            data = json.loads(json_params)
        except ValueError as exc:
            raise InvalidInput(f"--json is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise InvalidInput("--json must be a JSON object of parameters")
        return decode_params(op, data, typed=True)
    given: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"{pair!r}: parameters are name=value", field=pair)
        given.setdefault(key, []).append(value)
    return decode_params(op, read_query(op, given, lambda k: given[k]), typed=False)
