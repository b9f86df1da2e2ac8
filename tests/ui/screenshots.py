"""Screenshots of the inspector's main pages: a test takes them into a temporary folder, and
``scripts/inspector_screenshots.py`` into docs/images/ for the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.seed import WS, Seeded

VIEWPORT = {"width": 1280, "height": 820}


def pages(seeded: Seeded) -> dict[str, tuple[str, str]]:
    """name -> (fragment, a selector that shows when the page is ready)."""
    return {
        "workspaces": ("/", "#workspaces"),
        "sessions": (f"/w/{WS}/sessions", "#sessions"),
        "session": (f"/w/{WS}/sessions/{seeded.active}", "#messages"),
        "search": (f"/w/{WS}/memories?q=how+long+do+access+tokens+last", "#memories.hits"),
        "memory": (f"/w/{WS}/memories/{seeded.new_auth}", "#supersedes"),
        "briefing": (f"/w/{WS}/briefing", "#threads"),
        "timeline": (f"/w/{WS}/timeline", "#timeline"),
    }


def capture(browser: Any, url: str, key: str | None, seeded: Seeded, out: Path) -> list[Path]:
    """One PNG per main page into ``out`` (``key`` None: an open server)."""
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    if key:
        context.add_init_script(f"sessionStorage.setItem('asm-api-key', {key!r})")
    tab = context.new_page()
    written = []
    try:
        for name, (fragment, ready) in pages(seeded).items():
            tab.goto(f"{url}/ui/#{fragment}")
            tab.wait_for_selector(ready)
            path = out / f"inspector-{name}.png"
            tab.screenshot(path=str(path))
            written.append(path)
    finally:
        context.close()
    return written
