"""Bulk decoding with the cyclic garbage collector paused.

Decoding a long history allocates tens of thousands of container objects that stay alive until
the decode ends, so CPython's collector promotes them and soon runs a full collection: a pause
that scans the whole process heap (300-500 ms with LangChain, LlamaIndex and Chroma loaded) and
stops every thread, the event loop's too. Measured on ``bench/bench_loop_stall.py``: that pause
was the loop's longest stall. Paused during the decode, the intermediates (rows, records,
parsed JSON) die by reference counting before any collection sees them, and only what the
caller keeps can ever count towards a full collection (as msgpack's docs advise for large
unpacks). Nested and concurrent pauses nest: the collector comes back when the last one ends,
and only if it was on when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (reference counting still frees)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
