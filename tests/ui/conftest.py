"""A real browser on a real server: Debian's Chromium driven by Playwright's Python package.

No browser is ever downloaded: Playwright drives ``/usr/bin/chromium``, which
``scripts/ensure_chromium.sh`` installs. Without it these tests fail, naming that script.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.server.keys import KeyStore
from tests.live_server import serve_in_thread
from tests.ui.seed import BULK, OTHER, WS, Seeded, seed

CHROMIUM = os.environ.get("ASM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


@pytest.fixture(scope="module")  # Playwright's sync API keeps an event loop set while it runs
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Inspector:
    url: str  # the server's root
    key_acme: str  # reaches WS only
    key_other: str  # reaches OTHER only
    key_agent: str  # reaches every workspace
    client: MemoryClient  # reaches both: the agent's side, for seeding and checking
    seeded: Seeded


@pytest.fixture(scope="module")
def inspector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Inspector]:
    root = tmp_path_factory.mktemp("inspector")
    keys = KeyStore(root / "keys.db")
    _, key_acme = keys.create([WS], "acme")
    _, key_other = keys.create([OTHER], "other")
    _, key_both = keys.create([WS, OTHER, BULK], "agent")
    engine = Engine(Settings(home=root / "home"))
    with (
        serve_in_thread(engine, keys=keys) as url,
        MemoryClient(base_url=url, api_key=key_both, workspace_id=WS) as client,
    ):
        yield Inspector(url, key_acme, key_other, key_both, client, seed(client))
    keys.close()


@pytest.fixture
def page(browser: Any, inspector: Inspector) -> Iterator[Any]:
    """A fresh tab holding the key for WS (as if typed into the login form); console errors
    other than the expected HTTP statuses fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.add_init_script(f"sessionStorage.setItem('asm-api-key', {inspector.key_acme!r})")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == []


def open_page(tab: Any, inspector: Inspector, fragment: str, ready: str) -> None:
    """Load the page at ``#fragment`` and wait until ``ready`` (a selector) shows."""
    tab.goto(f"{inspector.url}/ui/#{fragment}")
    tab.wait_for_selector(ready)
