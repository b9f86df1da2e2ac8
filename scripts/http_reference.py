"""docs/http-api.md from the operation registry: every route, its parameters and a curl example.

Imported by scripts/generate.py, which writes the file and checks that it is current.
"""

from __future__ import annotations

import json
from typing import Any

from agent_session_memory.contract import OPERATIONS, Operation
from agent_session_memory.contract.http import build_request

# Example values for the parameters the examples show (required ones and a few telling extras).
EXAMPLES: dict[str, Any] = {
    "session_id": "$SID",
    "memory_id": "$MID",
    "workspace_id": "my-project",
    "ttl_seconds": 3600,
    "key": "task",
    "value": {"goal": "Fix login", "status": "in_progress"},
    "items": {"task": {"goal": "Fix login"}, "owner": "ana"},
    "keys": ["task", "owner"],
    "messages": [{"role": "user", "content": "Where were we?"}],
    "last_n": 20,
    "seqs": [1, 2],
    "status": "archived",
    "content": "We chose JWT because the API is stateless",
    "query": "how do we authenticate?",
    "k": 5,
    "tags": ["auth"],
    "importance": 0.8,
    "min_importance": 0.5,
    "records": [{"content": "We chose JWT", "type": "decision"}],
    "lookback_hours": 24,
}
SHOWN = {"workspace_id", "ttl_seconds", "last_n", "importance", "tags", "k", "min_importance"}
HEADER = """# HTTP API reference

Generated from the operation registry (`contract/operations/`) by `scripts/generate.py`; a test
fails when it is out of date. How to run the server, keys and errors: [server.md](server.md).
The machine-readable form is `GET /openapi.json` on a running server.

Conventions: every request carries `Authorization: Bearer $KEY` (not in open mode). `GET` and
`DELETE` take their parameters in the query string (a list is the parameter repeated; an empty
value is null); the others take a JSON object. `/v1/export` answers and `/v1/import` reads JSON
lines. Errors are `{"error": {"code", "message", "details"}}` with the status of their code.

| Method | Path | Operation | What it does |
|---|---|---|---|
"""


def _example_params(op: Operation) -> dict[str, Any]:
    params = {}
    for name, parameter in op.signature.parameters.items():
        required = parameter.default is parameter.empty
        if required or (name in SHOWN and name in EXAMPLES):
            params[name] = EXAMPLES.get(name, f"<{name}>")
    return params


def curl(op: Operation) -> str:
    request = build_request(op, _example_params(op))
    query = "&".join(f"{k}={v}" for k, v in request.query)
    path = request.path.replace("%24", "$")  # the examples use shell variables for ids
    url = f"$URL{path}" + (f"?{query}" if query else "")
    lines = [f'curl -sS -X {request.method} "{url}" \\', '  -H "Authorization: Bearer $KEY"']
    if request.json is not None:
        lines[-1] += " \\"
        lines += ['  -H "Content-Type: application/json" \\', f"  -d '{json.dumps(request.json)}'"]
    if request.lines is not None:
        lines[-1] += " \\"
        lines += ['  -H "Content-Type: application/x-ndjson" \\', "  --data-binary @memories.jsonl"]
    return "\n".join(lines)


def render() -> str:
    table = "".join(
        f"| `{op.route.method}` | `{op.route.path}` | [`{op.name}`](#{op.name}) | {op.summary} |\n"
        for op in OPERATIONS.values()
    )
    sections = []
    for op in OPERATIONS.values():
        params = "".join(f"- `{name}`: {text}\n" for name, text in op.params.items())
        sections.append(
            f"## {op.name}\n\n`{op.route.method} {op.route.path}` → {op.route.status}\n\n"
            f"{op.description}\n\n{params}\n```bash\n{curl(op)}\n```\n"
        )
    return HEADER + table + "\n" + "\n".join(sections)
