"""``BaseRetriever`` over ``recall``: hybrid (semantic + lexical) search of long-term memory."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr

from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import InvalidInput
from ...models import RecallHit
from .._bridge import ClientBridge, Flow, call
from ._tags import visible_tags

_RECALL_ARGS = frozenset(
    {
        "k",
        "types",
        "tags",
        "min_importance",
        "min_score",
        "since",
        "until",
        "session_id",
        "include_superseded",
        "workspace_id",
    }
)


def hit_to_document(hit: RecallHit) -> Document:
    """A recall hit as a ``Document``: the content, and the memory's fields as metadata."""
    memory = hit.memory
    return Document(
        id=memory.id,
        page_content=memory.content,
        metadata={
            "id": memory.id,
            "workspace_id": memory.workspace_id,
            "type": memory.type,
            "importance": memory.importance,
            "tags": visible_tags(memory.tags),
            "score": hit.score,
            "score_parts": {
                "semantic": hit.semantic_score,
                "lexical": hit.lexical_score,
                "context": hit.context_score,
                "recency": hit.recency_score,
                "importance": hit.importance_score,
            },
            "session_id": memory.session_id,
            "created_at": memory.created_at.isoformat() if memory.created_at else None,
            "updated_at": memory.updated_at.isoformat() if memory.updated_at else None,
            "metadata": dict(memory.metadata),
        },
    )


class MemoryRetriever(BaseRetriever):
    """Long-term memories most relevant to a query, best first.

    Every filter of ``recall`` can be set here and overridden per call as a keyword of
    ``invoke``: ``k``, ``types``, ``tags``, ``min_importance``, ``min_score``, ``since``,
    ``until``, ``session_id``, ``include_superseded``, ``workspace_id``. ``min_score`` drops
    documents less relevant than it (0-1; a score is absolute, see docs/recall.md), so a
    retriever can return nothing rather than the least bad memory. The tag filter is
    ``memory_tags`` on the constructor because ``tags`` already names a retriever's
    callback tags in LangChain.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: MemoryClient | None = None
    async_client: AsyncMemoryClient | None = None
    k: int = Field(default=4, ge=1)
    workspace_id: str | None = None
    types: list[str] | None = None
    memory_tags: list[str] | None = None
    min_importance: float | None = None
    min_score: float | None = None
    session_id: str | None = None
    include_superseded: bool = False

    _clients: ClientBridge = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        self._clients = ClientBridge(self.client, self.async_client)

    def _recall(self, query: str, overrides: dict[str, Any]) -> Flow[list[Document]]:
        unknown = set(overrides) - _RECALL_ARGS
        if unknown:
            raise InvalidInput(f"unknown retriever arguments: {sorted(unknown)}", field="kwargs")
        args: dict[str, Any] = {
            "k": self.k,
            "types": self.types,
            "tags": self.memory_tags,
            "min_importance": self.min_importance,
            "min_score": self.min_score,
            "session_id": self.session_id,
            "include_superseded": self.include_superseded,
            "workspace_id": self.workspace_id,
        }
        args.update(overrides)
        if isinstance(query, str) and not query.strip():
            return []  # a blank query matches nothing; inside a chain that is not an error
        hits = yield call("recall", query, **args)
        return [hit_to_document(h) for h in hits]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return self._clients.run(self._recall(query, kwargs))

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return await self._clients.arun(self._recall(query, kwargs))
