"""Every operation a client may ask of an engine, each declared once (one module a concern).

The stub functions of these modules are never called: their signatures are the public Python
API (the clients are generated from them by ``scripts/generate.py``), their docstrings and parameter
descriptions are what the OpenAPI document and the MCP tools publish, and the decorator says which
engine service implements them and where the HTTP API serves them. A test fails when any surface
is missing one of them.
"""

from __future__ import annotations

from types import ModuleType

from ..operation import Operation
from . import activity, context, memories, messages, sessions

MODULES: tuple[ModuleType, ...] = (sessions, context, messages, memories, activity)

OPERATIONS: dict[str, Operation] = {
    op.name: op for module in MODULES for op in vars(module).values() if isinstance(op, Operation)
}

__all__ = ["OPERATIONS"]
