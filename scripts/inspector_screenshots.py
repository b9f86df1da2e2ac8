"""Screenshots of the web inspector's main pages into docs/images/, for the README and
docs/inspector.md: a fresh home, the browser tests' seeded workspaces, Debian's Chromium.

    python scripts/inspector_screenshots.py        # needs scripts/ensure_chromium.sh first
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.live_server import serve_in_thread  # noqa: E402
from tests.ui.conftest import ARGS, CHROMIUM  # noqa: E402
from tests.ui.screenshots import capture  # noqa: E402
from tests.ui.seed import seed  # noqa: E402

from agent_session_memory import MemoryClient  # noqa: E402


def main() -> int:
    with (
        tempfile.TemporaryDirectory() as home,
        serve_in_thread(home=Path(home)) as url,
        MemoryClient(base_url=url) as client,
    ):
        seeded = seed(client)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                written = capture(browser, url, None, seeded, ROOT / "docs" / "images")
            finally:
                browser.close()
    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
