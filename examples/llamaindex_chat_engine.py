"""A LlamaIndex chat engine that remembers across sessions.

Session 1 chats with ``SessionMemory`` (history in the session), notes a preference in working
memory and ends with a commit. Session 2 uses LlamaIndex's ``Memory`` with its short-term queue in
the session (``SessionDBChatStore``) and a ``LongTermMemoryBlock`` that recalls session 1's fact.

    python examples/llamaindex_chat_engine.py [--home DIR] [--offline]

Offline (the default without an API key) it uses ``MockLLM``, which echoes its prompt, so you see
exactly what the model would have been sent. With ``OPENAI_API_KEY`` set and
``llama-index-llms-openai`` installed it talks to ``$OPENAI_MODEL`` (default gpt-4o-mini).
"""

from __future__ import annotations

import argparse
import importlib
import os
import tempfile
from typing import Any

from llama_index.core.chat_engine import SimpleChatEngine
from llama_index.core.llms import LLM, MockLLM
from llama_index.core.memory import Memory

from agent_session_memory import MemoryClient
from agent_session_memory.adapters.llamaindex import (
    LongTermMemoryBlock,
    SessionDBChatStore,
    SessionMemory,
)


def pick_llm(offline: bool) -> LLM:
    if not offline and os.environ.get("OPENAI_API_KEY"):
        try:
            openai = importlib.import_module("llama_index.llms.openai")
        except ImportError:
            print("(llama-index-llms-openai is not installed: using MockLLM)")
        else:
            llm: LLM = openai.OpenAI(model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"))
            return llm
    return MockLLM()


def first_session(client: MemoryClient, llm: LLM) -> str:
    session = client.create_session(ttl_seconds=3600)
    memory = SessionMemory.from_defaults(client, session_id=session.id, token_limit=2000)
    engine = SimpleChatEngine.from_defaults(llm=llm, memory=memory, system_prompt="Be brief.")
    for turn in ("Hi, I'm Ana.", "For the record: I always drink green tea, never coffee."):
        print(f"[session 1] user: {turn}")
        print(f"[session 1] assistant: {short(engine.chat(turn))}")
    client.set_context(
        session.id, "user_preference", "Ana drinks green tea, never coffee", importance=0.9
    )
    ended = client.end_session(session.id, commit=True)
    created = ended.commit_result.memories_created if ended.commit_result else 0
    print(
        f"[session 1] ended: {client.count_messages(session.id)} messages, "
        f"{created} memory committed"
    )
    return session.id


def second_session(client: MemoryClient, llm: LLM) -> str:
    session = client.create_session(ttl_seconds=3600)
    memory = Memory.from_defaults(
        session_id=session.id,
        chat_store=SessionDBChatStore(client),
        memory_blocks=[LongTermMemoryBlock(client, session_id=session.id)],
        token_limit=4000,
    )
    engine = SimpleChatEngine.from_defaults(llm=llm, memory=memory)
    question = "What should I drink this afternoon?"
    print(f"[session 2] user: {question}")
    reply = engine.chat(question)
    print(f"[session 2] assistant: {short(reply)}")
    system = memory.get()[0]
    print("[session 2] memory the model saw:")
    print("    " + (system.content or "").strip().replace("\n", "\n    "))
    return system.content or ""


def short(reply: Any, limit: int = 160) -> str:
    text = " ".join(str(reply).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="memory home (default: a temporary folder)")
    parser.add_argument("--offline", action="store_true", help="always use MockLLM")
    args = parser.parse_args()
    home = args.home or tempfile.mkdtemp(prefix="asm-llamaindex-")
    llm = pick_llm(args.offline)
    client = MemoryClient(path=home)
    try:
        first_session(client, llm)
        seen = second_session(client, llm)
    finally:
        client.close()
    recalled = "green tea" in seen
    print("recalled the earlier session's fact:", "yes" if recalled else "no")
    raise SystemExit(0 if recalled else 1)


if __name__ == "__main__":
    main()
