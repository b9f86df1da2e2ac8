"""SessionContextStore passes langchain_tests' BaseStore suites, unmodified."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import BaseStoreAsyncTests, BaseStoreSyncTests

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.langchain import SessionContextStore

THREE: tuple[Any, Any, Any] = ({"goal": "ship", "n": 1}, ["a", 2, None], "plain text")


class TestSessionContextStoreSync(BaseStoreSyncTests[Any]):
    @pytest.fixture
    def kv_store(self, tmp_path: Path) -> Iterator[SessionContextStore]:
        with MemoryClient(path=str(tmp_path / "kv")) as client:
            session = client.create_session(600)
            yield SessionContextStore(session.id, client=client)

    @pytest.fixture
    def three_values(self) -> tuple[Any, Any, Any]:
        return THREE


class TestSessionContextStoreAsync(BaseStoreAsyncTests[Any]):
    @pytest.fixture
    async def kv_store(self, tmp_path: Path) -> AsyncIterator[SessionContextStore]:
        async with AsyncMemoryClient(path=str(tmp_path / "kv")) as aclient:
            session = await aclient.create_session(600)
            yield SessionContextStore(session.id, async_client=aclient)

    @pytest.fixture
    def three_values(self) -> tuple[Any, Any, Any]:
        return THREE
