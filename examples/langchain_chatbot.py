"""A LangChain chatbot with memory across two sessions.

Session 1: the user makes decisions; the agent writes them to working memory with the
``set_context`` tool; ending the session commits them to long-term memory.
Session 2: starts with the briefing of what happened, and answers from what session 1 committed
(the ``recall`` tool). The chat history of each session lives in the session itself.

Offline by default, with LangChain's fake chat model playing a scripted agent:

    python examples/langchain_chatbot.py

With a real model (any ``init_chat_model`` spec, its provider package installed and its API key
set), the same conversation is driven by the model:

    python examples/langchain_chatbot.py --model openai:gpt-4o-mini
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Sequence
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent_session_memory import Briefing, MemoryClient
from agent_session_memory.adapters.langchain import (
    SessionChatMessageHistory,
    create_memory_tools,
)

SESSION_1 = [
    "Hi! I'm planning the billing service.",
    "We decided to use PostgreSQL 16 for billing because we need transactions.",
    "One more rule: invoices must always be issued in EUR.",
]
SESSION_2 = ["Which database did we pick for billing, and in which currency do we invoice?"]

INSTRUCTIONS = (
    "You are a helpful engineering assistant. Save every decision or rule the user states with "
    "set_context (importance 0.9). When asked about earlier work, use recall first."
)


class ScriptedToolModel(GenericFakeChatModel):
    """LangChain's fake chat model, able to be bound to tools (it plays a scripted agent)."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedToolModel:
        return self


def _call(name: str, args: dict[str, Any], call_id: str) -> AIMessage:
    return AIMessage(
        "", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}]
    )


def offline_model() -> BaseChatModel:
    """The agent's replies for both sessions, in order."""
    script: list[AIMessage | str] = [
        "Hello! Happy to help with the billing service.",
        _call(
            "set_context",
            {
                "key": "decision_billing_database",
                "importance": 0.9,
                "value": "Billing uses PostgreSQL 16 because we need transactions.",
            },
            "c1",
        ),
        "Noted: PostgreSQL 16 for billing.",
        _call(
            "set_context",
            {
                "key": "rule_invoice_currency",
                "importance": 0.9,
                "value": "Invoices must always be issued in EUR.",
            },
            "c2",
        ),
        "Noted: invoices in EUR.",
        _call("recall", {"query": "billing database and invoice currency", "k": 3}, "c3"),
        "From memory: billing runs on PostgreSQL 16, and invoices are issued in EUR.",
    ]
    return ScriptedToolModel(messages=iter(script))


def briefing_text(briefing: Briefing | None) -> str:
    if briefing is None:
        return "No briefing."
    lines = [briefing.recent_activity_summary or briefing.workspace_summary]
    lines += [f"- {m.content}" for m in briefing.memories]
    lines += [f"- open: {t.topic} ({t.status.value})" for t in briefing.open_threads]
    return "\n".join(lines)


def chat(
    client: MemoryClient,
    model: BaseChatModel,
    session_id: str,
    turns: list[str],
    system_prompt: str,
) -> None:
    history = SessionChatMessageHistory(session_id, client=client)
    agent = create_agent(
        model, create_memory_tools(session_id, client=client), system_prompt=system_prompt
    )
    for text in turns:
        print(f"user: {text}")
        before = history.messages
        # langgraph types the input as a TypedDict of its own message union: a list of
        # BaseMessage is what it accepts at run time, mypy just cannot see it
        result: dict[str, Any] = agent.invoke(
            {"messages": [*before, HumanMessage(text)]}  # type: ignore[call-overload]
        )
        new: list[BaseMessage] = result["messages"][len(before) :]
        history.add_messages(new)
        for message in new[1:]:
            if isinstance(message, ToolMessage):
                print(f"  [tool {message.name}] {message.content}")
            elif isinstance(message, AIMessage) and message.text:
                print(f"assistant: {message.text}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="memory home folder (default: a new temporary folder)")
    parser.add_argument(
        "--model",
        default=os.environ.get("ASM_CHAT_MODEL"),
        help="init_chat_model spec, e.g. openai:gpt-4o-mini (default: offline)",
    )
    args = parser.parse_args(argv)
    home = args.home or tempfile.mkdtemp(prefix="asm-langchain-")

    def model() -> BaseChatModel:
        if args.model:
            from langchain.chat_models import init_chat_model

            chosen: BaseChatModel = init_chat_model(args.model)
            return chosen
        return offline

    offline = offline_model()  # one script across both sessions
    with MemoryClient(path=home, workspace_id="billing-team") as client:
        first = client.create_session(ttl_seconds=3600)
        print(f"== session 1 ({first.id})")
        chat(client, model(), first.id, SESSION_1, INSTRUCTIONS)
        ended = client.end_session(first.id, commit=True, min_importance=0.5)
        created = ended.commit_result.memories_created if ended.commit_result else 0
        print(f"== session 1 ended: {created} memories committed")

        second = client.create_session(ttl_seconds=3600, briefing=True)
        brief = briefing_text(second.briefing)
        print(f"== session 2 ({second.id}) starts with the briefing:\n{brief}")
        chat(client, model(), second.id, SESSION_2, f"{INSTRUCTIONS}\n\nBriefing:\n{brief}")


if __name__ == "__main__":
    main()
