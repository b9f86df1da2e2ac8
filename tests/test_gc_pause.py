"""``gc_paused``: the collector is off inside, back on after, whoever nests or races."""

from __future__ import annotations

import gc
import threading

import pytest

from agent_session_memory.gc_pause import gc_paused


def test_pauses_and_restores_even_on_error() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_nested_and_concurrent_pauses_end_with_the_last() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    with gc_paused():
        thread.start()
        assert inside.wait(10)
        with gc_paused():
            assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread still decodes
    release.set()
    thread.join()
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_application_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_whole_history_is_decoded_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from agent_session_memory import MemoryClient
    from agent_session_memory.engine import _convert

    seen: list[bool] = []
    message = _convert.message

    def spy(record: object) -> object:
        seen.append(gc.isenabled())
        return message(record)  # type: ignore[arg-type]

    with MemoryClient(path=str(tmp_path)) as client:
        session = client.create_session()
        client.add_messages(session.id, [{"role": "user", "content": f"m{i}"} for i in range(3)])
        monkeypatch.setattr(_convert, "message", spy)
        assert len(client.get_messages(session.id)) == 3
    assert seen == [False, False, False] and gc.isenabled()
