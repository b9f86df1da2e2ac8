"""MemoryRetriever passes langchain_tests' RetrieversIntegrationTests, unmodified."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from agent_session_memory import MemoryClient
from agent_session_memory.adapters.langchain import MemoryRetriever

FACTS = [
    "We chose JWT access tokens for API authentication.",
    "Refresh tokens rotate every 30 days.",
    "The billing service runs on PostgreSQL 16.",
    "Alice prefers dark mode in the dashboard.",
    "Deploys happen on Tuesdays after the standup.",
]


class TestMemoryRetriever(RetrieversIntegrationTests):
    client: MemoryClient

    @pytest.fixture(autouse=True)
    def _seeded(self, tmp_path: Path) -> Iterator[None]:
        with MemoryClient(path=str(tmp_path / "retriever")) as client:
            for fact in FACTS:
                client.remember(fact, tags=["seed"])
            self.client = client
            yield

    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return MemoryRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"client": self.client, "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return "how do we authenticate API calls?"
