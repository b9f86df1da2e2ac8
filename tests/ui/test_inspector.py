"""The web inspector in a real browser against a real keyed server with seeded data: what a
person would check on each page, a search, the history of a memory, and destructive actions
behind a confirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agent_session_memory import MemoryNotFound, SessionNotFound
from tests.ui.conftest import Inspector, open_page
from tests.ui.screenshots import capture, pages
from tests.ui.seed import BULK, OTHER, SECRET, WS


def rows(tab: Any, table: str) -> list[str]:
    return [r.inner_text() for r in tab.locator(f"#{table} tbody tr").all()]


def test_a_keyed_server_asks_for_the_key_and_shows_only_its_workspaces(
    browser: Any, inspector: Inspector
) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{inspector.url}/ui/")
    tab.wait_for_selector("#api-key")
    tab.fill("#api-key", "asm_000000000000_" + "x" * 32)
    tab.press("#api-key", "Enter")
    tab.wait_for_selector("text=That key was not accepted.")
    tab.fill("#api-key", inspector.key_acme)
    tab.press("#api-key", "Enter")
    tab.wait_for_selector("#workspaces")
    assert [r.split("\t")[0] for r in rows(tab, "workspaces")] == [WS]
    assert tab.evaluate("sessionStorage.getItem('asm-api-key')") == inspector.key_acme
    context.close()


def test_a_key_for_one_workspace_sees_nothing_of_another(page: Any, inspector: Inspector) -> None:
    for fragment in (f"/w/{OTHER}/memories", f"/w/{OTHER}/sessions", f"/w/{OTHER}/timeline"):
        open_page(page, inspector, fragment, "main .error")
        assert "access_denied" in page.inner_text("main")
    open_page(page, inspector, f"/w/{OTHER}/memories?q=launch+code", "main .error")
    assert SECRET not in page.content()


def test_sessions_show_status_ttl_left_and_last_activity(page: Any, inspector: Inspector) -> None:
    s = inspector.seeded
    open_page(page, inspector, f"/w/{WS}/sessions", "#sessions")
    by_id = {
        r.get_attribute("data-session"): r.inner_text()
        for r in page.locator("#sessions tbody tr").all()
    }
    assert {s.active, s.ended, s.expired} <= set(by_id)
    assert "active" in by_id[s.active] and "min" in by_id[s.active].split("\t")[2]
    assert "ended" in by_id[s.ended] and "expired" in by_id[s.expired]
    assert "Refresh tokens" in by_id[s.active]
    assert all("ago" in by_id[i].split("\t")[3] for i in (s.active, s.ended, s.expired))


def test_a_session_shows_its_working_memory_and_messages_without_counting_reads(
    page: Any, inspector: Inspector
) -> None:
    s, client = inspector.seeded, inspector.client
    for _ in range(2):  # looking twice changes no read count
        open_page(page, inspector, f"/w/{WS}/sessions/{s.active}", "#working-memory")
    items = {
        r.get_attribute("data-key"): r.locator("td").all_inner_texts()
        for r in page.locator("#working-memory tbody tr").all()
    }
    assert set(items) == {"auth", "blocker", "primary_database", "task"}
    _key, value, version, importance, _reads, _updated, commit = items["auth"]
    assert "30 minutes" in value and version == "1" and importance == "0.9"
    assert commit == "committed" and items["blocker"][6] == "not yet"
    assert items["task"][4] == "1"  # the one read the agent made
    assert client.get_context_items(s.active, peek=True)["task"].reads == 1
    messages = page.locator("#messages li").all_inner_texts()
    assert [m.split()[0] for m in messages] == ["system", "user", "assistant"]
    assert "Add refresh tokens" in messages[1]


def test_an_expired_session_says_its_working_memory_is_gone(
    page: Any, inspector: Inspector
) -> None:
    open_page(page, inspector, f"/w/{WS}/sessions/{inspector.seeded.expired}", ".notice")
    assert "expired" in page.inner_text(".facts")
    page.click("text=memories from this session")
    page.wait_for_selector("#memories")
    assert rows(page, "memories")[0].startswith("todo: Migrate the sessions table")


def test_search_shows_the_api_recall_with_its_scores_and_parts(
    page: Any, inspector: Inspector
) -> None:
    open_page(page, inspector, f"/w/{WS}/memories", "#memories")
    page.fill("#f-q", "how long do access tokens last?")
    page.click("button[type=submit]")
    page.wait_for_selector("#memories.hits")
    shown = page.locator("#memories tbody tr").all()
    hits = inspector.client.recall("how long do access tokens last?", k=50, workspace_id=WS)
    assert [r.get_attribute("data-memory") for r in shown] == [h.memory.id for h in hits]
    first = shown[0].locator("td").all_inner_texts()
    assert "30 minutes" in first[5]
    assert first[1:5] == [
        f"{hits[0].score:.3f}",
        f"{hits[0].semantic_score:.3f}",
        f"{hits[0].lexical_score:.3f}",
        f"{hits[0].context_score:.3f}",
    ]
    assert "15 minutes" not in page.inner_text("#memories")  # superseded: not recalled


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tags=ops", ["Deploys happen on Fridays"]),
        ("types=preference", ["Alice prefers"]),
        ("min=0.85", ["auth: Access tokens are JWTs that expire after 30"]),
        ("q=access+tokens&superseded=1&min=0.85", ["auth: Access tokens", "auth: Access tokens"]),
    ],
)
def test_filters_narrow_the_memories(
    page: Any, inspector: Inspector, query: str, expected: list[str]
) -> None:
    open_page(page, inspector, f"/w/{WS}/memories?{query}", "#memories")
    found = [r.split("\t") for r in rows(page, "memories")]
    contents = [r[5] if "q=" in query else r[0] for r in found]  # a hit: #, 4 scores, memory
    assert len(contents) == len(expected)
    assert all(c.startswith(e) for c, e in zip(contents, expected, strict=True))


def test_memories_page_by_a_hundred_newest_first(browser: Any, inspector: Inspector) -> None:
    records = [
        {
            "id": f"{n:032x}",
            "content": f"bulk note number {n}",
            "created_at": datetime.fromtimestamp(1_700_000_000 + n, UTC).isoformat(),
        }
        for n in range(105)
    ]
    assert inspector.client.import_workspace(records, workspace_id=BULK).imported == 105
    context = browser.new_context()
    context.add_init_script(f"sessionStorage.setItem('asm-api-key', {inspector.key_agent!r})")
    tab = context.new_page()
    open_page(tab, inspector, f"/w/{BULK}/memories", "#memories")
    first = rows(tab, "memories")
    assert len(first) == 100 and first[0].startswith("bulk note number 104")
    tab.click("#older")
    tab.wait_for_selector("text=Memories 101 to 105, newest first.")
    assert [r.split("\t")[0] for r in rows(tab, "memories")] == [
        f"bulk note number {n}" for n in range(4, -1, -1)
    ]
    context.close()


def test_a_memory_shows_what_it_replaced_and_what_replaced_it(
    page: Any, inspector: Inspector
) -> None:
    s = inspector.seeded
    open_page(page, inspector, f"/w/{WS}/memories/{s.new_auth}", "#history")
    assert "15 minutes" in page.inner_text("#supersedes")
    assert "memory_created" in page.inner_text("#events")
    page.click("#supersedes a")
    page.wait_for_selector("text=Superseded by")
    assert "30 minutes" in page.inner_text("#history .notice")
    assert "memory_superseded" in page.inner_text("#events")


def test_a_merged_memory_shows_both_source_sessions(page: Any, inspector: Inspector) -> None:
    s = inspector.seeded
    open_page(page, inspector, f"/w/{WS}/memories/{s.merged}", "#merged")
    facts = page.inner_text(".facts")
    assert s.ended[:12] in facts and s.active[:12] in facts
    assert "memory_merged" in page.inner_text("#events")


def test_the_briefing_links_its_threads_to_their_sessions(page: Any, inspector: Inspector) -> None:
    open_page(page, inspector, f"/w/{WS}/briefing", "#threads")
    assert "3 sessions" in page.inner_text("#workspace-summary")
    assert "Deploys happen on Fridays" in page.inner_text("#activity-summary")
    thread = page.locator("#threads tbody tr", has_text="Ship refresh tokens")
    assert "in_progress" in thread.inner_text()
    thread.locator("a").click()
    page.wait_for_selector("#working-memory")
    assert inspector.seeded.active in page.inner_text("h1")


def test_the_timeline_shows_the_activity_log_newest_first(page: Any, inspector: Inspector) -> None:
    open_page(page, inspector, f"/w/{WS}/timeline", "#timeline")
    kinds = [e.get_attribute("data-type") for e in page.locator("#timeline li").all()]
    events = inspector.client.list_events(workspace_id=WS)
    assert kinds == [e.type.value for e in reversed(events)]
    assert {"session_expired", "memory_superseded", "memory_merged"} <= set(kinds)


def test_forgetting_a_memory_asks_first_and_then_it_is_gone(
    page: Any, inspector: Inspector
) -> None:
    client = inspector.client
    memory = client.remember("The staging server is called blue-falcon", workspace_id=WS)
    open_page(page, inspector, f"/w/{WS}/memories", "#memories")
    row = page.locator(f"#memories tr[data-memory='{memory.id}']")
    row.locator("button.forget").click()
    assert page.locator("#confirm").is_visible()
    page.click("#confirm button[value=cancel]")
    assert client.get_memory(memory.id).content.endswith("blue-falcon")
    row.locator("button.forget").click()
    page.click("#confirm-ok")
    row.wait_for(state="detached")
    with pytest.raises(MemoryNotFound):
        client.get_memory(memory.id)
    open_page(page, inspector, f"/w/{WS}/memories?q=staging+server", "#memories")
    assert "blue-falcon" not in page.inner_text("main")


def test_ending_and_deleting_a_session_ask_first(page: Any, inspector: Inspector) -> None:
    client = inspector.client
    session = client.create_session(600, WS, metadata={"title": "Scratch work"})
    client.set_context(session.id, "decision", "We picked Redis for caching", importance=0.9)
    open_page(page, inspector, f"/w/{WS}/sessions/{session.id}", "#working-memory")
    page.click("#end-session")
    page.click("#confirm-ok")
    page.wait_for_selector(".facts .badge.ended")
    assert client.get_session(session.id).status.value == "ended"
    assert [h.memory.content for h in client.recall("caching", k=1)] == [
        "decision: We picked Redis for caching"
    ]
    page.click("#delete-session")
    page.click("#confirm button[value=cancel]")
    assert client.get_session(session.id).id == session.id
    page.click("#delete-session")
    page.click("#confirm-ok")
    page.wait_for_selector("#sessions")
    assert session.id not in page.inner_text("#sessions")
    with pytest.raises(SessionNotFound):
        client.get_session(session.id)


def test_screenshots_of_the_main_pages(browser: Any, inspector: Inspector, tmp_path: Any) -> None:
    written = capture(browser, inspector.url, inspector.key_acme, inspector.seeded, tmp_path)
    names = [f"inspector-{name}.png" for name in pages(inspector.seeded)]
    assert [p.name for p in written] == names
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 10_000 for p in written)
