"""``asm ui``: the web memory inspector on the embedded home, on loopback, no key needed.

It is ``asm serve --open`` for one person at one machine: the same app and the same ``/ui`` pages,
bound to 127.0.0.1 only (open mode never listens on another interface), with the URL printed
and a browser opened when there is one.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import webbrowser

from ..config import Settings
from ..errors import MissingExtra

HOST = "127.0.0.1"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ui", help="open the web memory inspector on the embedded home (loopback)")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="print the URL, open no browser")


def cmd_ui(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..engine import Engine
        from ..server.app import create_app
        from ..server.settings import ServerSettings
    except ImportError:
        raise MissingExtra("server", "uvicorn") from None
    settings = Settings.from_env(home=args.path, workspace_id=args.workspace)
    app = create_app(Engine(settings), None, ServerSettings(open_mode=True))
    sock = socket.socket()
    sock.bind((HOST, args.port))
    sock.listen(128)  # the printed URL answers at once: connections wait for the server to start
    url = f"http://{HOST}:{sock.getsockname()[1]}/ui/"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    print(f"asm ui: the memory inspector of {settings.home} on {url} (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        threading.Thread(target=_open_browser, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


def _open_browser(server: object, url: str) -> None:
    """Once the server answers; a machine without a browser just keeps the printed URL."""
    import time

    for _ in range(200):
        if getattr(server, "started", False):
            break
        time.sleep(0.05)
    try:
        if not webbrowser.open(url):
            print("asm ui: no browser found; open the URL above", file=sys.stderr)
    except webbrowser.Error:
        print("asm ui: no browser found; open the URL above", file=sys.stderr)
