"""Each operation lives on exactly one engine service, and transports dispatch through that map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.client.transport import LocalTransport, bind_operations
from agent_session_memory.config import Settings
from agent_session_memory.contract import OPERATIONS
from agent_session_memory.engine import Engine
from agent_session_memory.errors import InvalidInput


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = Engine(Settings(home=tmp_path, session_store_url="memory://"))
    yield eng
    eng.close()


def test_operations_are_bound_to_their_service_and_not_to_the_engine(engine: Engine) -> None:
    bound = bind_operations(engine)
    services = {op.service for op in OPERATIONS.values()}
    for name, op in OPERATIONS.items():
        assert bound[name].__self__ is getattr(engine, op.service)
        assert not hasattr(engine, name), f"Engine forwards {name}"
        others = services - {op.service}
        assert not any(hasattr(getattr(engine, s), name) for s in others), name


def test_the_long_term_memory_opens_on_first_use_only(engine: Engine) -> None:
    with MemoryClient(transport=LocalTransport(engine)) as client:
        session = client.create_session()
        client.set_context(session.id, "k", "v")
        assert not engine._longterm.opened
        client.remember("We chose JWT for auth")
        assert engine._longterm.opened and engine.longterm is engine.longterm


def test_the_local_transport_refuses_what_is_no_operation(engine: Engine) -> None:
    transport = LocalTransport(engine)
    for name in ("sweep_home", "close", "lazy_sweep", "longterm"):
        with pytest.raises(InvalidInput):
            transport.call(name)
