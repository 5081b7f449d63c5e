"""The browser tests' two real components: Debian's chromium driven by Playwright, and the app on
a real port (werkzeug, threaded). One place, so every browser test launches them the same way."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def launch_chromium() -> Iterator[object]:
    """Chromium, headless; skipped without it on a developer's machine, a failure in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                "CI needs /usr/bin/chromium for the browser tests (apt-get install chromium)"
            )
        pytest.skip("no /usr/bin/chromium: `apt-get install chromium` to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """The app served on a free local port; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)
