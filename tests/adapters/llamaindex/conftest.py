"""Fixtures: a fresh embedded client per test, and scripted LLMs (no network, no keys)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.llms.mock import MockFunctionCallingLLM

from agent_session_memory import AsyncMemoryClient, MemoryClient


@pytest.fixture
def client(tmp_path: Any) -> Iterator[MemoryClient]:
    c = MemoryClient(path=str(tmp_path / "home"))
    yield c
    c.close()


@pytest.fixture
async def aclient(tmp_path: Any) -> AsyncIterator[AsyncMemoryClient]:
    c = AsyncMemoryClient(path=str(tmp_path / "ahome"))
    yield c
    await c.close()


class ScriptedLLM(CustomLLM):
    """A completion LLM that answers from a script (a list, or a function of the prompt)."""

    answers: list[str] = []
    prompts: list[str] = []
    responder: Callable[[str], str] | None = None

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self.prompts.append(prompt)
        if self.responder is not None:
            return CompletionResponse(text=self.responder(prompt))
        return CompletionResponse(text=self.answers.pop(0) if self.answers else "")

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        text = self.complete(prompt).text

        def gen() -> CompletionResponseGen:
            yield CompletionResponse(text=text, delta=text)

        return gen()


def tool_calling_llm(tool_name: str, tool_kwargs: dict[str, Any], final: str) -> Any:
    """A function-calling mock: calls ``tool_name`` once per user turn, then answers ``final``
    followed by the tool's output."""
    from llama_index.core.base.llms.types import ToolCallBlock

    def respond(messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
        last_user = max(i for i, m in enumerate(messages) if m.role.value == "user")
        results = [m for m in messages[last_user:] if m.role.value == "tool"]
        if results:
            return ChatMessage(role="assistant", content=f"{final} {results[-1].content}")
        return ChatMessage(
            role="assistant",
            blocks=[
                ToolCallBlock(
                    tool_call_id=f"call-{len(messages)}",
                    tool_name=tool_name,
                    tool_kwargs=tool_kwargs,
                )
            ],
        )

    return MockFunctionCallingLLM(response_generator=respond, is_chat_model=True)
