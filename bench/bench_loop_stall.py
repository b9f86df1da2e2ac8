"""B8: the longest event-loop stall while a LlamaIndex chat store reads a long history.

"Async methods never block the event loop" must hold at scale: a ticker coroutine wakes every
millisecond while ``SessionChatStore.aget_messages`` reads N messages (embedded, async client),
and the longest gap between its wake-ups is the stall. Not a test (timing on a shared machine).

    python bench/bench_loop_stall.py [--sizes 1000,10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import table, write

from agent_session_memory import AsyncMemoryClient


async def _longest_stall(work: asyncio.Future[object]) -> float:
    longest, last = 0.0, time.perf_counter()
    while not work.done():
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        longest, last = max(longest, now - last - 0.001), now
    return longest


async def measure(n: int, rounds: int) -> tuple[float, float]:
    from llama_index.core.base.llms.types import ChatMessage

    from agent_session_memory.adapters.llamaindex import SessionChatStore

    with tempfile.TemporaryDirectory() as home:
        async with AsyncMemoryClient(path=home) as client:
            store = SessionChatStore(async_client=client)
            messages = [ChatMessage(role="user", content=f"message {i} " * 8) for i in range(n)]
            for start in range(0, n, 1000):
                await store.aadd_messages("long", messages[start : start + 1000])
            stalls, seconds = [], []
            for _ in range(rounds):
                began = time.perf_counter()
                work = asyncio.ensure_future(store.aget_messages("long"))
                stalls.append(await _longest_stall(work))
                assert len(work.result()) == n  # type: ignore[arg-type]
                seconds.append(time.perf_counter() - began)
            return max(stalls), min(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows, results = [], {}
    for n in [int(s) for s in args.sizes.split(",")]:
        stall, seconds = asyncio.run(measure(n, args.rounds))
        results[str(n)] = {"longest_stall_ms": stall * 1000, "read_seconds": seconds}
        rows.append([f"{n:,}", f"{stall * 1000:.1f} ms", f"{seconds * 1000:.0f} ms"])
    print(table(rows, ["messages", "longest loop stall", "aget_messages"]))
    write("loop_stall", results)


if __name__ == "__main__":
    main()
