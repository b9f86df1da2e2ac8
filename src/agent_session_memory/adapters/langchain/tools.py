"""Agent tools bound to one session: remember, recall, set_context, get_context, commit.

Each tool has a pydantic argument schema with descriptions written for the model, returns
compact JSON text, and turns library errors into ``ToolException`` so the agent reads what went
wrong (``handle_tool_error=True``) instead of the run crashing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field

from ... import validation
from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import AgentMemoryError, InvalidInput
from .._bridge import ClientBridge, Flow, call
from ._tags import visible_tags

TOOL_NAMES = ("remember", "recall", "set_context", "get_context", "commit")


class RememberArgs(BaseModel):
    content: str = Field(
        description="One standalone fact, decision or preference, in a sentence "
        "that makes sense without this conversation."
    )
    type: str = Field(
        default="fact", description="Kind of memory: fact, decision, preference, lesson or task."
    )
    importance: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="0 (trivial) to 1 (critical); leave empty to let the system decide.",
    )
    tags: list[str] | None = Field(default=None, description="Short topic labels, e.g. ['auth'].")


class RecallArgs(BaseModel):
    query: str = Field(description="What you want to know, in natural language.")
    k: int = Field(default=5, ge=1, le=50, description="How many memories to return.")
    tags: list[str] | None = Field(default=None, description="Only memories with these tags.")
    types: list[str] | None = Field(
        default=None, description="Only these kinds, e.g. ['decision']."
    )


class SetContextArgs(BaseModel):
    key: str = Field(description="Name of the working-memory entry, e.g. 'task' or 'decision_db'.")
    # A union of the JSON types, so tool schemas say what the model may send (an ``Any`` field
    # has no type, which strict function-calling schemas reject).
    value: str | int | float | bool | dict[str, Any] | list[Any] | None = Field(
        description="Any JSON value: text, number, boolean, list, object or null."
    )
    importance: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="How much this should "
        "be kept long-term when the session is committed (0 to 1).",
    )


class GetContextArgs(BaseModel):
    keys: list[str] | None = Field(
        default=None, description="Entries to read; leave empty to read the whole working memory."
    )


class CommitArgs(BaseModel):
    min_importance: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Only working-memory "
        "entries at least this important become long-term memories.",
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class _SessionTools:
    """The flows behind the tools; the session's workspace is looked up once and cached."""

    def __init__(
        self, session_id: str, workspace_id: str | None, min_score: float | None = None
    ) -> None:
        self.session_id = session_id
        self.workspace_id = workspace_id
        self.min_score = min_score

    def _workspace(self) -> Flow[str]:
        if self.workspace_id is None:
            session = yield call("get_session", self.session_id)
            self.workspace_id = session.workspace_id
        return self.workspace_id

    def remember(
        self,
        content: str,
        type: str = "fact",
        importance: float | None = None,
        tags: list[str] | None = None,
    ) -> Flow[str]:
        workspace = yield from self._workspace()
        memory = yield call(
            "remember",
            content,
            type=type,
            importance=importance,
            tags=tags,
            session_id=self.session_id,
            workspace_id=workspace,
        )
        return _json({"remembered": memory.id, "content": memory.content})

    def recall(
        self, query: str, k: int = 5, tags: list[str] | None = None, types: list[str] | None = None
    ) -> Flow[str]:
        workspace = yield from self._workspace()
        hits = yield call(
            "recall",
            query,
            k=k,
            tags=tags,
            types=types,
            min_score=self.min_score,
            workspace_id=workspace,
        )
        return _json(
            [
                {
                    "id": h.memory.id,
                    "content": h.memory.content,
                    "type": h.memory.type,
                    "tags": visible_tags(h.memory.tags),
                    "score": round(h.score, 4),
                }
                for h in hits
            ]
        )

    def set_context(self, key: str, value: Any, importance: float | None = None) -> Flow[str]:
        version = yield call("set_context", self.session_id, key, value, importance)
        return _json({"stored": key, "version": version})

    def get_context(self, keys: list[str] | None = None) -> Flow[str]:
        items = yield call("get_context_items", self.session_id, keys or None)
        return _json({k: item.value for k, item in items.items()})

    def commit(self, min_importance: float = 0.5) -> Flow[str]:
        result = yield call("commit_session", self.session_id, min_importance)
        return _json(result.to_dict())


_DESCRIPTIONS = {
    "remember": "Save one durable fact, decision or preference to long-term memory, so that "
    "future sessions can recall it. Use for things worth knowing next time.",
    "recall": "Search long-term memory (from this and earlier sessions) for facts relevant to a "
    "question. Returns the best matches as JSON, most relevant first.",
    "set_context": "Write an entry of this session's working memory (a scratchpad of the current "
    "task: goals, decisions, open questions). Overwrites the key.",
    "get_context": "Read entries of this session's working memory (all of them if no keys).",
    "commit": "Turn the important working-memory entries of this session into long-term "
    "memories now (duplicates are merged). Returns what was created.",
}
_SCHEMAS: dict[str, type[BaseModel]] = {
    "remember": RememberArgs,
    "recall": RecallArgs,
    "set_context": SetContextArgs,
    "get_context": GetContextArgs,
    "commit": CommitArgs,
}


def _make(name: str, flows: _SessionTools, clients: ClientBridge, prefix: str) -> StructuredTool:
    flow: Callable[..., Flow[str]] = getattr(flows, name)

    def run(**kwargs: Any) -> str:
        try:
            return clients.run(flow(**kwargs))
        except AgentMemoryError as exc:
            raise ToolException(f"{exc.code}: {exc.message}") from exc

    async def arun(**kwargs: Any) -> str:
        try:
            return await clients.arun(flow(**kwargs))
        except AgentMemoryError as exc:
            raise ToolException(f"{exc.code}: {exc.message}") from exc

    coroutine: Callable[..., Coroutine[Any, Any, str]] = arun
    return StructuredTool.from_function(
        func=run,
        coroutine=coroutine,
        name=f"{prefix}{name}",
        description=_DESCRIPTIONS[name],
        args_schema=_SCHEMAS[name],
        handle_tool_error=True,
    )


def create_memory_tools(
    session_id: str,
    *,
    client: MemoryClient | None = None,
    async_client: AsyncMemoryClient | None = None,
    workspace_id: str | None = None,
    include: Iterable[str] = TOOL_NAMES,
    name_prefix: str = "",
    recall_min_score: float | None = None,
) -> list[BaseTool]:
    """The memory tools for one session (``include``: a subset of ``TOOL_NAMES``).

    ``remember`` and ``recall`` work in the session's workspace (looked up once) unless
    ``workspace_id`` is given; ``name_prefix`` avoids clashes with other tools of an agent.
    ``recall_min_score`` (0-1): ``recall`` leaves out memories scoring below it, so the model
    is not handed unrelated memories when nothing relevant is stored.
    """
    validation.object_id(session_id, "session_id")
    wanted = list(include)
    unknown = set(wanted) - set(TOOL_NAMES)
    if unknown:
        raise InvalidInput(
            f"unknown memory tools {sorted(unknown)}; choose from {TOOL_NAMES}", field="include"
        )
    clients = ClientBridge(client, async_client)
    flows = _SessionTools(
        session_id, workspace_id, validation.fraction(recall_min_score, "recall_min_score")
    )
    return [_make(name, flows, clients, name_prefix) for name in wanted]
