"""The MCP tools: a thin mapping from the product doc's tool names onto the operation registry.

Nothing here re-declares a parameter: each tool names the operation it runs, which of the
operation's parameters it shows (renamed where the product doc uses another name, such as
``importance_threshold`` for ``min_importance``), and the values it fixes. The input schema, the
parameter descriptions, the validation and the output schema all come from the operation's
declaration in ``contract/operations/``.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..contract import OPERATIONS, Operation
from ..contract.wire import decode_params
from ..errors import InvalidInput


class SessionUse(enum.Enum):
    """How a tool relates to the connection's current session."""

    NONE = "none"  # not about a session
    REQUIRED = "required"  # acts on it: refuses plainly when none is started
    OPTIONAL = "optional"  # links to it when there is one (remember: the memory's source)
    STARTS = "starts"  # memory_session_start


CURRENT_SESSION = (
    " Default: the session memory_session_start started on this connection "
    "(give it explicitly over stateless HTTP, where there is no connection)."
)


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool: which operation it runs and how its arguments map onto the parameters."""

    name: str
    operation: str
    shown: tuple[str, ...]  # the operation's parameters the tool takes (operation names)
    lead: str  # what the tool is for, from the model's point of view
    session: SessionUse = SessionUse.NONE
    renamed: Mapping[str, str] = field(default_factory=dict)  # operation name -> tool name
    fixed: Mapping[str, Any] = field(default_factory=dict)  # parameters the tool sets itself
    result_key: str = "result"  # where a non-object result goes in the structured output
    read_only: bool = False

    @property
    def op(self) -> Operation:
        return OPERATIONS[self.operation]

    @cached_property
    def arguments(self) -> dict[str, str]:
        """Tool argument name -> operation parameter name."""
        names = {self.renamed.get(p, p): p for p in self.shown}
        if self.session in (SessionUse.REQUIRED, SessionUse.OPTIONAL):
            names.setdefault("session_id", "session_id")
        return names

    @property
    def description(self) -> str:
        return f"{self.lead}\n\n{self.op.description}"

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        """The operation's JSON Schema, cut down to the tool's arguments and renamed."""
        source = self.op.params_schema()
        properties: dict[str, Any] = {}
        for argument, param in self.arguments.items():
            prop = copy.deepcopy(source["properties"][param])
            prop.pop("title", None)
            if argument == "session_id" and self.session is not SessionUse.NONE:
                prop["description"] = self.op.params[param] + CURRENT_SESSION
            properties[argument] = prop
        required = [
            argument
            for argument, param in self.arguments.items()
            if param in source.get("required", ()) and param != "session_id"
        ]
        schema: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            schema["required"] = required
        if "$defs" in source:
            schema["$defs"] = source["$defs"]
        return schema

    @cached_property
    def wraps_result(self) -> bool:
        return self.op.result_schema().get("type") != "object"

    @cached_property
    def output_schema(self) -> dict[str, Any]:
        """The operation's result schema (an object, as MCP wants: others go under a key)."""
        schema = self.op.result_schema()
        if not self.wraps_result:
            return schema
        defs = schema.pop("$defs", None)
        wrapped: dict[str, Any] = {
            "type": "object",
            "properties": {self.result_key: schema},
            "required": [self.result_key],
        }
        if defs:
            wrapped["$defs"] = defs
        return wrapped

    def params(
        self, arguments: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Validated operation parameters from the tool's arguments; ``InvalidInput`` if bad.

        ``defaults`` fill parameters the caller left out or null (the connection's session and
        workspace). The check is the HTTP API's (``wire.decode_params``): ``"60"`` is no number,
        lone surrogates and unknown arguments are refused, and the error names the argument.
        """
        unknown = sorted(set(arguments) - set(self.arguments))
        if unknown:
            allowed = ", ".join(sorted(self.arguments)) or "none"
            raise InvalidInput(
                f"{self.name}: unknown argument {unknown[0]!r} (it takes: {allowed})",
                field=unknown[0],
            )
        data = {self.arguments[name]: value for name, value in arguments.items()}
        for param, value in (defaults or {}).items():
            if param in self.op.params and data.get(param) is None:
                data[param] = value
        data.update(self.fixed)
        try:
            return decode_params(self.op, data, typed=True)
        except InvalidInput as exc:
            raise _renamed(exc, {p: a for a, p in self.arguments.items()}) from None

    def structured(self, result: Any) -> dict[str, Any]:
        """The result as the tool's structured output (JSON-ready)."""
        data = self.op.result.dump_python(result, mode="json")
        return {self.result_key: data} if self.wraps_result else dict(data)


def _renamed(exc: InvalidInput, names: Mapping[str, str]) -> InvalidInput:
    """The error in the tool's words: ``importance_threshold``, not ``min_importance``."""
    message = exc.message
    fields = exc.details.get("field")
    for param, argument in names.items():
        if param != argument:
            message = message.replace(param, argument)
    if isinstance(fields, str):
        fields = names.get(fields.split(".", 1)[0], fields)
    details = {**exc.details, "field": fields}
    return type(exc)(message, **details)


THRESHOLD = {"min_importance": "importance_threshold"}

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "memory_session_start",
        "create_session",
        ("workspace_id", "ttl_seconds"),
        "Start a memory session for this conversation and read the workspace's briefing (what "
        "happened lately, what is still open). Call it first; later session tools act on it.",
        session=SessionUse.STARTS,
        fixed={"briefing": True},
    ),
    ToolSpec(
        "memory_session_status",
        "get_session",
        (),
        "The current session's status: active, ended or expired, and when it expires.",
        session=SessionUse.REQUIRED,
        read_only=True,
    ),
    ToolSpec(
        "memory_session_commit",
        "commit_session",
        ("min_importance", "deduplicate"),
        "Save the session's important working memory to long-term memory now "
        "(the session goes on).",
        session=SessionUse.REQUIRED,
        renamed=THRESHOLD,
    ),
    ToolSpec(
        "memory_session_end",
        "end_session",
        ("commit", "min_importance"),
        "End the current session; with commit=true its important working memory is saved to "
        "long-term memory first.",
        session=SessionUse.REQUIRED,
        renamed=THRESHOLD,
    ),
    ToolSpec(
        "memory_remember",
        "remember",
        ("content", "type", "importance", "tags", "workspace_id"),
        "Store a decision, fact, preference or lesson in long-term memory right away.",
        session=SessionUse.OPTIONAL,
    ),
    ToolSpec(
        "memory_recall",
        "recall",
        (
            "query",
            "k",
            "types",
            "tags",
            "min_importance",
            "since",
            "until",
            "include_superseded",
            "workspace_id",
        ),
        "Search long-term memory before answering questions about past work, decisions or "
        "preferences.",
        result_key="hits",
        read_only=True,
    ),
    ToolSpec(
        "memory_briefing",
        "get_briefing",
        ("lookback_hours", "include_threads", "max_memories", "workspace_id"),
        "Read the workspace's briefing: recent sessions, open threads and top memories.",
        read_only=True,
    ),
    ToolSpec(
        "memory_set_context",
        "set_context",
        ("key", "value", "importance"),
        "Keep something in the current session's working memory (the task, a finding, a "
        "status); important items become long-term memories when the session is committed.",
        session=SessionUse.REQUIRED,
        result_key="version",
    ),
    ToolSpec(
        "memory_get_context",
        "get_context",
        ("keys",),
        "Read the current session's working memory: one key, several, or everything.",
        session=SessionUse.REQUIRED,
        result_key="value",
        read_only=True,
    ),
    ToolSpec(
        "memory_forget",
        "forget",
        ("memory_id", "workspace_id"),
        "Delete one long-term memory by id (from memory_recall), e.g. when it is wrong.",
        result_key="forgotten",
    ),
)

TOOLS_BY_NAME: dict[str, ToolSpec] = {tool.name: tool for tool in TOOLS}
