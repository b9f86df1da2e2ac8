"""The HTTP API's OpenAPI 3.1 document, written from the operation registry alone.

Each operation becomes one path item: its path and query parameters and JSON body come from the
parameters model, its response from the result type, and every error response shares one schema
(``{"error": {"code", "message", "details"}}``). ``x-idempotent`` tells a client whether it may
retry an operation (the TypeScript client reads it).
"""

from __future__ import annotations

from typing import Any

from ..errors import ERRORS_BY_CODE
from .operation import Operation
from .operations import OPERATIONS

REF = "#/components/schemas/{model}"
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "enum": sorted(ERRORS_BY_CODE)},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}
ERROR_RESPONSES = {
    "401": "no key",
    "403": "the key does not reach this workspace",
    "404": "not found (or not in the key's workspaces)",
    "409": "conflict (compare-and-set, ended session)",
    "410": "the session expired",
    "413": "over a size limit",
    "422": "invalid input (the field is named)",
    "503": "a backend is unavailable",
}


def openapi_document(title: str, version: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR}
    paths: dict[str, Any] = {}
    for op in OPERATIONS.values():
        item = paths.setdefault(op.route.path, {})
        item[op.route.method.lower()] = _operation(op, schemas)
    paths["/health"] = {"get": _probe("Liveness: the process answers.")}
    paths["/ready"] = {
        "get": _probe("Readiness: every backend answers (503 names the failing one).")
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"apiKey": []}],
    }


def _operation(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    params = _hoist(op.params_model.model_json_schema(ref_template=REF), schemas)
    properties: dict[str, Any] = params["properties"]
    required = set(params.get("required", []))
    route = op.route
    query_names = (
        [] if not route.in_query else [n for n in properties if n not in route.path_params]
    )
    if isinstance(route.lines, str):
        query_names.remove(route.lines)
    parameters = [
        {"name": n, "in": "path", "required": True, "schema": properties[n]}
        for n in route.path_params
    ] + [
        {
            "name": n,
            "in": "query",
            "required": n in required,
            "description": op.params[n],
            "schema": _query_schema(properties[n], n in op.list_params),
        }
        for n in query_names
    ]
    spec: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.summary,
        "description": op.description,
        "tags": [op.service],
        "x-idempotent": op.idempotent,  # a client may retry it (see docs/server.md)
        "parameters": parameters,
        "responses": _responses(op, schemas),
    }
    body = _body(op, properties, required)
    if body is not None:
        spec["requestBody"] = body
    return spec


def _body(op: Operation, properties: dict[str, Any], required: set[str]) -> dict[str, Any] | None:
    route = op.route
    if isinstance(route.lines, str):
        record = properties[route.lines].get("items", {})
        return {"required": True, "content": {"application/x-ndjson": {"schema": record}}}
    if route.in_query:
        return None
    names = [n for n in properties if n not in route.path_params]
    schema = {
        "type": "object",
        "properties": {n: properties[n] for n in names},
        "required": sorted(required & set(names)),
        "additionalProperties": False,
    }
    return {
        "required": bool(schema["required"]),
        "content": {"application/json": {"schema": schema}},
    }


def _responses(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    result = _hoist(op.result.json_schema(ref_template=REF, mode="serialization"), schemas)
    media = "application/x-ndjson" if op.route.lines is True else "application/json"
    if op.route.lines is True:
        result = result.get("items", {})
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    responses: dict[str, Any] = {
        str(op.route.status): {"description": op.summary, "content": {media: {"schema": result}}}
    }
    for status, text in ERROR_RESPONSES.items():
        responses[status] = {"description": text, "content": error}
    return responses


def _query_schema(schema: dict[str, Any], many: bool) -> dict[str, Any]:
    """In a query string null is an absent parameter, and a list is the parameter repeated."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    if many:
        items = next((s["items"] for s in options if s.get("type") == "array"), {"type": "string"})
        return {"type": "array", "items": items}
    chosen = dict(options[0]) if len(options) == 1 else {"anyOf": options}
    if "default" in schema and schema["default"] is not None:
        chosen["default"] = schema["default"]
    return chosen


def _hoist(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Move a schema's ``$defs`` into the document's shared components."""
    schemas.update(schema.pop("$defs", {}))
    return schema


def _probe(summary: str) -> dict[str, Any]:
    return {
        "operationId": summary.split(":")[0].lower(),
        "summary": summary,
        "security": [],
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "503": {
                "description": "a backend is down",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
