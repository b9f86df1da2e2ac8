"""The long-term memory behind a lazy holder: Chroma, ONNX and the lexical index are heavy, so
they open on first use, once, whichever thread asks first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class LazyLongTerm:
    """Holds the ``LongTermMemory`` an ``opener`` builds on the first ``get()``."""

    def __init__(self, opener: Callable[[], Any]) -> None:
        self._opener = opener
        self._memory: Any = None
        self._lock = threading.Lock()

    @property
    def opened(self) -> bool:
        return self._memory is not None

    def get(self) -> Any:
        if self._memory is None:
            with self._lock:
                if self._memory is None:
                    self._memory = self._opener()
        return self._memory

    def close(self) -> None:
        with self._lock:
            memory, self._memory = self._memory, None
        if memory is not None:
            memory.close()
