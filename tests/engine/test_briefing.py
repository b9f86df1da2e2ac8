"""Briefings over a scripted week, driven by a clock the test controls."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.engine.thread_status import CLOSED, parse_status, value_status
from agent_session_memory.errors import InvalidInput
from agent_session_memory.models import Briefing, SessionStatus, ThreadStatus
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore

from ..longterm.fakes import HashingEmbedder

HOUR = 3600.0
DAY = 24 * HOUR


@pytest.fixture(scope="module")
def embedder() -> Any:
    return HashingEmbedder()  # briefings never search by meaning


def make_engine(
    home: Path, clock: ManualClock, embedder: Any, store: str = "sqlite", **options: Any
) -> Engine:
    """Briefings are not about Chroma: long-term memory runs on the in-memory store."""
    url = "memory://" if store == "memory" else None
    return Engine(
        Settings(home=home, session_store_url=url),
        clock=clock,
        embedding_function=embedder,
        longterm_store=InMemoryLongTermStore(),
        **options,
    )


@dataclass
class Week:
    engine: Engine
    clock: ManualClock
    ids: dict[str, str]

    def at(self, offset: float) -> None:
        self.clock.set(self.start + offset)

    @property
    def start(self) -> float:
        return 1_767_225_600.0  # ManualClock's default start: 2026-01-01T00:00:00Z

    def briefing(self, hours: float, **kwargs: Any) -> Briefing:
        return self.engine.briefings.get_briefing(
            lookback_hours=hours, workspace_id="proj", **kwargs
        )


def script_week(engine: Engine, clock: ManualClock) -> Week:
    """Five sessions in ``proj`` over six days, and one in ``other`` that must never show."""
    week = Week(engine, clock, {})
    e = engine

    def session(name: str, offset: float, ttl: float = HOUR, **kwargs: Any) -> str:
        week.at(offset)
        sid = e.sessions.create_session(
            ttl_seconds=ttl,
            workspace_id=kwargs.pop("ws", "proj"),
            metadata={"title": name},
            **kwargs,
        ).id
        week.ids[name] = sid
        return sid

    s1 = session("Set up auth", 1 * HOUR)
    e.context.set_context(s1, "auth_decision", "use JWT for auth")
    e.context.set_context(s1, "task", {"goal": "Set up auth", "status": "done"})
    e.sessions.end_session(s1, commit=True)

    s2 = session("Storage", 2 * DAY + 9 * HOUR)
    e.context.set_context(s2, "db_decision", "Postgres for storage")
    e.context.set_context(s2, "billing_migration", {"title": "Billing migration", "status": "wip"})
    e.sessions.end_session(s2, commit=True)

    s3 = session("CI", 4 * DAY + 10 * HOUR)  # left to expire: auto-committed by a later sweep
    e.context.set_context(s3, "ci_decision", "GitHub Actions for CI", importance=0.9)
    e.context.set_context(s3, "deploy", "blocked")

    s4 = session("Caching spike", 5 * DAY + 14 * HOUR, auto_commit=False)  # expires, no commit
    e.context.set_context(s4, "cache_decision", "Redis for caching", importance=0.9)

    o1 = session("Other work", 5 * DAY + 15 * HOUR, ws="other")
    e.context.set_context(o1, "secret_decision", "other-workspace secret", importance=0.9)
    e.context.set_context(o1, "other_thing", {"title": "Other thing", "status": "blocked"})
    e.sessions.end_session(o1, commit=True)

    s5 = session("Billing", 6 * DAY + 9 * HOUR, ttl=8 * HOUR)  # still active at the end
    e.context.set_context(
        s5, "billing_migration", {"title": "Billing migration", "status": "stuck"}
    )
    week.at(6 * DAY + 10 * HOUR)
    e.memories.remember(
        "Invoices are sent monthly", type="decision", importance=0.7, workspace_id="proj"
    )
    e.memories.remember(
        "Ask legal about data retention", tags=["open"], importance=0.6, workspace_id="proj"
    )
    week.at(6 * DAY + 12 * HOUR)
    return week


@pytest.fixture(scope="module", params=["sqlite", "memory"])
def week(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, embedder: Any
) -> Iterator[Week]:
    clock = ManualClock()
    engine = make_engine(tmp_path_factory.mktemp("week"), clock, embedder, request.param)
    yield script_week(engine, clock)
    engine.close()


def _sessions(b: Briefing, week: Week) -> set[str]:
    names = {sid: name for name, sid in week.ids.items()}
    return {names[a.session_id] for a in b.recent_activity}


def _decisions(b: Briefing) -> set[str]:
    return {d for a in b.recent_activity for d in a.key_decisions}


def _threads(b: Briefing) -> set[tuple[str, str, str]]:
    return {(t.source, t.key or t.session_id or "", t.status.value) for t in b.open_threads}


@pytest.mark.parametrize(
    ("hours", "sessions", "decisions"),
    [
        (24, {"Caching spike", "Billing"}, {"Redis for caching"}),
        (72, {"CI", "Caching spike", "Billing"}, {"Redis for caching", "GitHub Actions for CI"}),
        (
            7 * 24,
            {"Set up auth", "Storage", "CI", "Caching spike", "Billing"},
            {
                "Redis for caching",
                "GitHub Actions for CI",
                "use JWT for auth",
                "Postgres for storage",
            },
        ),
    ],
)
def test_window_names_exactly_its_sessions_and_decisions(
    week: Week, hours: float, sessions: set[str], decisions: set[str]
) -> None:
    b = week.briefing(hours)
    assert _sessions(b, week) == sessions
    assert _decisions(b) == decisions
    for decision in decisions | {"Invoices are sent monthly"}:
        assert f"“{decision}”" in b.recent_activity_summary
    assert f"{len(sessions)} sessions ran in proj" in b.recent_activity_summary


def test_open_threads_do_not_depend_on_the_window(week: Week) -> None:
    expected = {
        ("working_memory", "billing_migration", "blocked"),  # "stuck" in Billing beats "wip"
        ("working_memory", "deploy", "blocked"),
        ("expired_session", week.ids["Caching spike"], "waiting"),  # auto_commit off
        ("memory", "", "in_progress"),  # tagged "open"
    }
    for hours in (24, 72, 7 * 24):
        assert _threads(week.briefing(hours)) == expected
    paragraph = week.briefing(24).recent_activity_summary
    assert "4 threads are still open" in paragraph
    assert "Billing migration (blocked)" in paragraph


def test_activity_entries_tell_each_sessions_story(week: Week) -> None:
    entries = {a.session_id: a for a in week.briefing(7 * 24).recent_activity}
    ci = entries[week.ids["CI"]]
    assert ci.status is SessionStatus.EXPIRED
    assert ci.memories_created >= 1
    assert "Auto-committed after expiry" in ci.summary
    spike = entries[week.ids["Caching spike"]]
    assert spike.memories_created == 0
    assert "1 item not committed yet" in spike.summary
    billing = entries[week.ids["Billing"]]
    assert billing.status is SessionStatus.ACTIVE
    assert "Still active" in billing.summary
    times = [a.last_activity for a in entries.values()]
    assert times == sorted(times, reverse=True)


def test_workspace_summary_and_top_memories(week: Week) -> None:
    b = week.briefing(24, max_memories=3)
    assert b.workspace_summary.startswith("proj: 5 sessions")
    assert "memories" in b.workspace_summary
    assert len(b.memories) == 3
    assert [m.importance for m in b.memories] == sorted(
        (m.importance for m in b.memories), reverse=True
    )
    assert week.briefing(24, max_memories=0).memories == []


def test_a_briefing_never_mentions_another_workspace(week: Week) -> None:
    for hours in (24, 7 * 24):
        text = json.dumps(week.briefing(hours).to_dict())
        assert "other" not in text.lower()
        assert week.ids["Other work"] not in text
    other = week.engine.briefings.get_briefing(lookback_hours=7 * 24, workspace_id="other")
    assert {a.session_id for a in other.recent_activity} == {week.ids["Other work"]}
    assert "JWT" not in json.dumps(other.to_dict())


def test_without_threads_the_briefing_leaves_them_out(week: Week) -> None:
    b = week.briefing(24, include_threads=False)
    assert b.open_threads == []
    assert "thread" not in b.recent_activity_summary


def test_thread_status_changes_until_done(tmp_path: Path, embedder: Any) -> None:
    clock = ManualClock()
    e = make_engine(tmp_path, clock, embedder)
    sid = e.sessions.create_session(ttl_seconds=DAY, workspace_id="w").id

    def status() -> list[ThreadStatus]:
        clock.advance(60)
        return [t.status for t in e.briefings.get_briefing(workspace_id="w").open_threads]

    e.context.set_context(sid, "refactor", {"title": "Refactor auth", "status": "in_progress"})
    assert status() == [ThreadStatus.IN_PROGRESS]
    e.context.set_context(sid, "refactor", {"title": "Refactor auth", "status": "blocked"})
    assert status() == [ThreadStatus.BLOCKED]
    e.context.set_context(sid, "refactor", {"title": "Refactor auth", "status": "awaiting review"})
    assert status() == [ThreadStatus.WAITING]
    e.context.set_context(sid, "refactor", {"title": "Refactor auth", "status": "done"})
    assert status() == []
    # A later session closes a thread an earlier one opened.
    e.context.set_context(sid, "deploy", "blocked")
    e.sessions.end_session(sid, commit=True)
    assert status() == [ThreadStatus.BLOCKED]
    later = e.sessions.create_session(workspace_id="w").id
    clock.advance(60)
    e.context.set_context(later, "deploy", "done")
    assert status() == []
    e.close()


def test_memory_threads_close_with_a_closed_tag(tmp_path: Path, embedder: Any) -> None:
    clock = ManualClock()
    e = make_engine(tmp_path, clock, embedder)
    m = e.memories.remember("Rotate the API keys", tags=["open"], workspace_id="w")
    [thread] = e.briefings.get_briefing(workspace_id="w").open_threads
    assert (thread.source, thread.status, thread.key_memories) == (
        "memory",
        ThreadStatus.IN_PROGRESS,
        ["Rotate the API keys"],
    )
    e.memories.update_memory(m.id, tags=["open", "blocked"], workspace_id="w")
    assert [t.status for t in e.briefings.get_briefing(workspace_id="w").open_threads] == [
        ThreadStatus.BLOCKED
    ]
    e.memories.update_memory(m.id, tags=["open", "done"], workspace_id="w")
    assert e.briefings.get_briefing(workspace_id="w").open_threads == []
    e.close()


def test_ended_session_without_commit_is_open_until_committed(
    tmp_path: Path, embedder: Any
) -> None:
    clock = ManualClock()
    e = make_engine(tmp_path, clock, embedder)
    sid = e.sessions.create_session(workspace_id="w").id
    e.context.set_context(sid, "plan_decision", "ship on Friday", importance=0.9)
    e.sessions.end_session(sid)
    [thread] = e.briefings.get_briefing(workspace_id="w").open_threads
    assert (thread.source, thread.session_id) == ("ended_session", sid)
    assert "plan_decision" in thread.topic
    e.commits.commit_session(sid)
    assert e.briefings.get_briefing(workspace_id="w").open_threads == []
    e.close()


def test_create_session_with_briefing_hands_over_the_previous_work(
    tmp_path: Path, embedder: Any
) -> None:
    clock = ManualClock()
    e = make_engine(tmp_path, clock, embedder)
    first = e.sessions.create_session(workspace_id="w", metadata={"title": "Fix login"})
    e.context.set_context(first.id, "auth_decision", "use JWT")
    e.sessions.end_session(first.id, commit=True)
    clock.advance(HOUR)
    assert e.sessions.create_session(workspace_id="w").briefing is None
    second = e.sessions.create_session(workspace_id="w", briefing=True)
    assert second.briefing is not None
    assert [a.session_id for a in second.briefing.recent_activity] == [first.id]
    assert "Fix login" in second.briefing.recent_activity_summary
    assert "“use JWT”" in second.briefing.recent_activity_summary
    e.close()


class _Summarizer:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[Briefing] = []

    def summarize(self, briefing: Briefing) -> str:
        self.seen.append(briefing)
        if self.fail:
            raise RuntimeError("the LLM is down")
        return f"LLM: {len(briefing.recent_activity)} sessions."


@pytest.mark.parametrize("fail", [False, True])
def test_a_summarizer_writes_the_paragraph_and_a_failing_one_falls_back(
    tmp_path: Path, fail: bool
) -> None:
    summarizer = _Summarizer(fail)
    e = make_engine(tmp_path, ManualClock(), HashingEmbedder(), "memory", summarizer=summarizer)
    sid = e.sessions.create_session(workspace_id="w").id
    e.context.set_context(sid, "note", "hello")
    text = e.briefings.get_briefing(workspace_id="w").recent_activity_summary
    assert summarizer.seen and summarizer.seen[0].recent_activity_summary.startswith("In the last")
    assert (text == "LLM: 1 sessions.") is not fail
    assert text.startswith("In the last 24 hours, 1 session ran in w") is fail
    e.close()


@pytest.mark.parametrize(
    "hours", [0, -1, -0.5, math.nan, math.inf, 24 * 367, 10**12, "24", None, True, [24]]
)
def test_bad_lookback_values_are_typed_errors(tmp_path: Path, hours: Any) -> None:
    e = make_engine(tmp_path, ManualClock(), HashingEmbedder(), "memory")
    with pytest.raises(InvalidInput) as info:
        e.briefings.get_briefing(lookback_hours=hours, workspace_id="w")
    assert info.value.details.get("field") == "lookback_hours"
    e.close()


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, 10**6])
def test_bad_max_memories_is_a_typed_error(tmp_path: Path, bad: Any) -> None:
    e = make_engine(tmp_path, ManualClock(), HashingEmbedder(), "memory")
    with pytest.raises(InvalidInput):
        e.briefings.get_briefing(max_memories=bad, workspace_id="w")
    e.close()


def test_bad_workspace_is_a_typed_error(tmp_path: Path) -> None:
    e = make_engine(tmp_path, ManualClock(), HashingEmbedder(), "memory")
    with pytest.raises(InvalidInput):
        e.briefings.get_briefing(workspace_id="../etc")
    e.close()


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("in_progress", ThreadStatus.IN_PROGRESS),
        ("In Progress", ThreadStatus.IN_PROGRESS),
        ("WIP", ThreadStatus.IN_PROGRESS),
        ("ongoing", ThreadStatus.IN_PROGRESS),
        ("todo", ThreadStatus.IN_PROGRESS),
        ("started", ThreadStatus.IN_PROGRESS),
        ("blocked", ThreadStatus.BLOCKED),
        ("stuck", ThreadStatus.BLOCKED),
        ("blocked-on-legal", ThreadStatus.BLOCKED),
        ("waiting", ThreadStatus.WAITING),
        ("pending", ThreadStatus.WAITING),
        ("on hold", ThreadStatus.WAITING),
        ("needs_review", ThreadStatus.WAITING),
        ("waiting for CI", ThreadStatus.WAITING),
        ("done", CLOSED),
        ("Complete", CLOSED),
        ("closed", CLOSED),
        ("resolved", CLOSED),
        ("cancelled", CLOSED),
        ("won't fix", CLOSED),
        ("healthy", None),
        ("", None),
    ],
)
def test_status_words_map_to_the_three_states_or_closed(word: str, status: Any) -> None:
    assert parse_status(word) == status


def test_which_values_carry_a_status() -> None:
    assert value_status({"status": "blocked", "note": "x"}) is ThreadStatus.BLOCKED
    assert value_status({"state": "wip"}) is ThreadStatus.IN_PROGRESS
    assert value_status({"goal": "x", "done": True}) == CLOSED
    assert value_status("blocked") is ThreadStatus.BLOCKED
    assert value_status("review") is None  # too vague as a bare value
    assert value_status({"goal": "x"}) is None
    assert value_status(42) is None
