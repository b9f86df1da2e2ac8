"""B2: read the last 2,000 tokens of a session at 100, 1k, 10k and 100k messages.

Peers in the same run: LlamaIndex ChatMemoryBuffer.get() (quadratic) and LangChain trim_messages
(linear), both counting with the same tokenizer. The goal: time at 100k <= 2x time at 100, and
never over budget.

    python bench/bench_token_window.py [--sizes 100,1000,10000,100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median_seconds, table, write

from agent_session_memory import MemoryClient
from agent_session_memory.tokens import tiktoken_counter

BUDGET = 2000
PEER_LIMIT_SECONDS = 20.0


def _texts(n: int) -> list[str]:
    return [
        f"turn {i}: the user asks about deploying service {i % 37} to region {i % 5}"
        for i in range(n)
    ]


def bench_ours(client: MemoryClient, n: int) -> tuple[float, int]:
    session = client.create_session(ttl_seconds=86400)
    texts = _texts(n)
    for start in range(0, n, 1000):
        client.add_messages(
            session.id,
            [
                {"role": "user" if i % 2 == 0 else "assistant", "content": texts[i]}
                for i in range(start, min(n, start + 1000))
            ],
        )
    window: list = []

    def read() -> None:
        window[:] = client.get_messages(session.id, max_tokens=BUDGET)

    seconds = median_seconds(read, rounds=5)
    return seconds, sum(m.token_count for m in window)


def bench_llamaindex(n: int) -> float | None:
    try:
        from llama_index.core.base.llms.types import ChatMessage
        from llama_index.core.memory import ChatMemoryBuffer
    except ImportError:
        return None
    count = tiktoken_counter("o200k_base")
    buffer = ChatMemoryBuffer.from_defaults(
        token_limit=BUDGET, tokenizer_fn=lambda t: [0] * count(t)
    )
    buffer.set(
        [
            ChatMessage(role="user" if i % 2 == 0 else "assistant", content=t)
            for i, t in enumerate(_texts(n))
        ]
    )
    start = time.perf_counter()
    buffer.get()
    return time.perf_counter() - start


def bench_langchain(n: int) -> float | None:
    try:
        from langchain_core.messages import AIMessage, HumanMessage, trim_messages
    except ImportError:
        return None
    count = tiktoken_counter("o200k_base")
    messages = [HumanMessage(t) if i % 2 == 0 else AIMessage(t) for i, t in enumerate(_texts(n))]

    def counter(msgs: list) -> int:
        return sum(4 + count(str(m.content)) for m in msgs)

    return median_seconds(
        lambda: trim_messages(messages, max_tokens=BUDGET, token_counter=counter, strategy="last"),
        rounds=3,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    rows, results = [], []
    skip_llama = skip_langchain = False
    with tempfile.TemporaryDirectory() as home, MemoryClient(path=home) as client:
        for n in sizes:
            ours, tokens = bench_ours(client, n)
            llama = None if skip_llama else bench_llamaindex(n)
            # quadratic: 10x the messages costs 100x the time
            skip_llama = skip_llama or (llama is not None and llama * 100 > PEER_LIMIT_SECONDS)
            lc = None if skip_langchain else bench_langchain(n)
            skip_langchain = skip_langchain or (lc is not None and lc * 10 > PEER_LIMIT_SECONDS)
            results.append(
                {
                    "messages": n,
                    "ours_ms": ours * 1e3,
                    "ours_tokens": tokens,
                    "llamaindex_ms": None if llama is None else llama * 1e3,
                    "langchain_trim_ms": None if lc is None else lc * 1e3,
                }
            )
            rows.append(
                [
                    n,
                    ours * 1e3,
                    tokens,
                    "skipped" if llama is None else llama * 1e3,
                    "skipped" if lc is None else lc * 1e3,
                ]
            )
    flat = results[-1]["ours_ms"] / results[0]["ours_ms"]
    print(
        table(
            rows,
            ["messages", "ours ms", "ours tokens", "LlamaIndex buffer ms", "LangChain trim ms"],
        )
    )
    print(
        f"time at {sizes[-1]:,} / time at {sizes[0]:,} messages: {flat:.2f}x (goal <= 2x); "
        f"budget {BUDGET}, max tokens returned {max(r['ours_tokens'] for r in results)}"
    )
    write("token_window", {"budget": BUDGET, "results": results, "flatness": flat})


if __name__ == "__main__":
    main()
