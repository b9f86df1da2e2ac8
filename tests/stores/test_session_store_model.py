"""Each store against a plain Python model of the contract, driven by a Hypothesis state machine.

The machine creates sessions, writes and reads keys (with and without ``expected_version``),
deletes keys, touches, ends and deletes sessions and moves a clock past expiry; after every step
the store and the model must agree on every session and its working memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from agent_session_memory.errors import (
    AgentMemoryError,
    Conflict,
    LimitExceeded,
    SessionEnded,
    SessionExpired,
    SessionNotFound,
)
from agent_session_memory.stores.sessions.base import ContextWrite, SessionStore

from .conftest import KINDS, T0, make_event, make_session

MAX_KEYS = 2
KEYS = st.sampled_from(["a", "b", "c"])
EXPECTED = st.sampled_from([None, None, None, 0, 1, 2])  # mostly unconditional writes


@dataclass
class Model:
    """What the contract says a session holds."""

    expires_at: float
    ended: bool = False
    context: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (value, version)
    messages: int = 0


class StoreMachine(RuleBasedStateMachine):
    sids = Bundle("sids")

    def __init__(self, store: SessionStore) -> None:
        super().__init__()
        self.store = store
        self.now = T0
        self.model: dict[str, Model] = {}
        self.created = 0

    # -- the model's verdicts ------------------------------------------------------------------
    def refusal(self, sid: str, write: bool) -> type[AgentMemoryError] | None:
        """The error the contract requires for touching ``sid`` now, if any."""
        session = self.model.get(sid)
        if session is None:
            return SessionNotFound
        if not session.ended and self.now >= session.expires_at:
            return SessionExpired
        if write and session.ended:
            return SessionEnded
        return None

    def outcome(self, expected: type[AgentMemoryError] | None, call: Callable[[], Any]) -> Any:
        """Run ``call``; the store must raise exactly the error the model expects."""
        if expected is None:
            return call()
        with pytest.raises(expected) as err:
            call()
        assert type(err.value) is expected
        return None

    # -- rules ------------------------------------------------------------------------------
    @rule(target=sids, ttl=st.sampled_from([5.0, 60.0, 300.0]))
    def create(self, ttl: float) -> str:
        self.created += 1
        record = make_session(f"s{self.created}", now=self.now, ttl=ttl)
        self.store.create_session(record, make_event(at=self.now, session_id=record.id))
        self.model[record.id] = Model(expires_at=self.now + ttl)
        return record.id

    @rule(sid=sids, key=KEYS, value=st.integers(0, 9), expected=EXPECTED)
    def set_value(self, sid: str, key: str, value: int, expected: int | None) -> None:
        error = self.refusal(sid, write=True)
        session = self.model.get(sid)
        current = session.context.get(key) if session else None
        version = current[1] if current else 0
        if error is None and expected is not None and expected != version:
            error = Conflict
        if error is None and current is None and session and len(session.context) >= MAX_KEYS:
            error = LimitExceeded
        write = ContextWrite(key, json.dumps(value), expected_version=expected)
        got = self.outcome(error, lambda: self.store.set_context(sid, [write], self.now, MAX_KEYS))
        if error is None:
            assert session is not None
            assert got == {key: version + 1}
            session.context[key] = (value, version + 1)

    @rule(sid=sids, items=st.lists(st.tuples(KEYS, st.integers(0, 9)), min_size=2, max_size=3))
    def set_batch(self, sid: str, items: list[tuple[str, int]]) -> None:
        """A batch is all or nothing; a key written twice gets two versions."""
        error = self.refusal(sid, write=True)
        session = self.model.get(sid)
        after = dict(session.context) if session else {}
        for key, value in items:
            after[key] = (value, after.get(key, (0, 0))[1] + 1)
        if error is None and len(after) > MAX_KEYS:
            error = LimitExceeded
        writes = [ContextWrite(k, json.dumps(v)) for k, v in items]
        got = self.outcome(error, lambda: self.store.set_context(sid, writes, self.now, MAX_KEYS))
        if error is None:
            assert session is not None
            assert got == {k: after[k][1] for k, _ in items}
            session.context = after

    @rule(sid=sids, keys=st.none() | st.lists(KEYS, max_size=3))
    def get(self, sid: str, keys: list[str] | None) -> None:
        error = self.refusal(sid, write=False)
        got = self.outcome(
            error, lambda: self.store.get_context(sid, keys, self.now, count_read=False)
        )
        if error is None:
            context = self.model[sid].context
            wanted = context if keys is None else {k: context[k] for k in keys if k in context}
            assert {k: (json.loads(r.value_json), r.version) for k, r in got.items()} == wanted

    @rule(sid=sids, key=KEYS)
    def delete_key(self, sid: str, key: str) -> None:
        error = self.refusal(sid, write=True)
        got = self.outcome(error, lambda: self.store.delete_context(sid, [key], self.now))
        if error is None:
            assert got == int(self.model[sid].context.pop(key, None) is not None)

    @rule(sid=sids)
    def append_message(self, sid: str) -> None:
        from agent_session_memory.stores.sessions.base import MessageRecord

        error = self.refusal(sid, write=True)
        message = MessageRecord("user", "hi", 1, self.now)
        got = self.outcome(error, lambda: self.store.append_messages(sid, [message], self.now))
        if error is None:
            self.model[sid].messages += 1
            assert got == [self.model[sid].messages]

    @rule(sid=sids, ttl=st.sampled_from([5.0, 60.0]))
    def touch(self, sid: str, ttl: float) -> None:
        error = self.refusal(sid, write=True)
        got = self.outcome(error, lambda: self.store.touch_session(sid, self.now, ttl))
        if error is None:
            self.model[sid].expires_at = self.now + ttl
            assert got.expires_at == self.now + ttl

    @rule(seconds=st.sampled_from([1.0, 1.0, 4.0, 59.0, 100.0]))
    def advance(self, seconds: float) -> None:
        self.now += seconds

    @rule(sid=sids)
    def end(self, sid: str) -> None:
        error = SessionNotFound if sid not in self.model else None
        got = self.outcome(error, lambda: self.store.end_session(sid, self.now, make_event()))
        if error is None:
            session = self.model[sid]
            session.ended = session.ended or self.now < session.expires_at  # expired stays so
            assert (got.status == "ended") is session.ended

    @rule(sid=sids)
    def delete(self, sid: str) -> None:
        assert self.store.delete_session(sid, None) is (self.model.pop(sid, None) is not None)

    # -- after every step -------------------------------------------------------------------
    @invariant()
    def sessions_agree(self) -> None:
        for sid, session in self.model.items():
            record = self.store.get_session(sid)
            assert record is not None
            assert (record.expires_at, record.status == "ended") == (
                session.expires_at,
                session.ended,
            )
            stored = self.store.get_context(
                sid, None, self.now, count_read=False, include_expired=True
            )
            assert {k: (json.loads(r.value_json), r.version) for k, r in stored.items()} == (
                session.context
            )
        live = {r.id for r in self.store.list_sessions("ws")}
        assert live == set(self.model)


@pytest.mark.parametrize("kind", KINDS)
def test_store_agrees_with_the_model(kind: str, store_factory: Callable[[str], Any]) -> None:
    run_state_machine_as_test(
        lambda: StoreMachine(store_factory(kind)),
        settings=settings(
            max_examples=60,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
