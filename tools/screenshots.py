"""Screenshots of each demo role's main pages at 390 px (a phone) and 1440 px (a desk), for a
reviewer to look at: `make screenshots` (or `.venv/bin/python tools/screenshots.py --help`).

Builds the demo in a temporary folder, serves it (`damrong serve`, no scheduler), signs in as each
role in Debian's chromium, and saves its start page, the pages of its menu, and the first case and
task it is shown; the citizen's portal home, complaint form, tracking form, directory and one kept
case. With --no-thai-fonts chromium runs with a font configuration that has no Thai font, as on
many office machines: Thai must still draw, in the served web font. Prints the folder.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.access import secrets  # noqa: E402

PASSWORD = "damrong1567"  # damrong/demo.py
STAFF = ["intake1", "screener1", "supervisor1", "labour1", "executive1", "designer1", "admin"]
WIDTHS = {"390": (390, 844), "1440": (1440, 900)}
SECRET = "screenshots-" + "x" * 40
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NO_THAI_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <dir>/usr/share/fonts/truetype/liberation</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""
MENU = "header nav a[href], .navbar-nav a.nav-link[href]:not(.dropdown-toggle)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_demo(folder: Path) -> tuple[subprocess.Popen, str, Path]:
    """`damrong init --demo` on a fresh SQLite file, then `damrong serve`; (process, url, db)."""
    database = folder / "demo.db"
    env = dict(os.environ, DAMRONG_DATABASE_URL=f"sqlite:///{database}", DAMRONG_SECRET_KEY=SECRET)
    command = [sys.executable, "-m", "damrong.cli"]
    subprocess.run([*command, "init", "--demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*command, "serve", "--no-scheduler", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/portal/", timeout=2)
            return server, url, database
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the demo server did not start")


def kept_case_paths(database: Path, count: int = 2) -> list[str]:
    """Saved links of the demo's first cases, as the citizen's receipt gives them."""
    with sqlite3.connect(database) as db:
        codes = [row[0] for row in db.execute("SELECT tracking_code FROM cases ORDER BY id")]
    now = int(time.time())
    return [
        "/portal/t/" + secrets.make_tracking_token(code, SECRET.encode(), now)
        for code in codes[:count]
    ]


def staff_pages(page, url: str, username: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Signs in; the start page, its menu's pages, and the first case and task it is shown."""
    page.goto(url + "/staff/signin")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit].primary")
    pages = [page.url]
    for href in page.eval_on_selector_all(MENU, "links => links.map(a => a.href)"):
        if href.startswith(url) and "/lang/" not in href and href not in pages:
            pages.append(href)
    for pattern in (r"/staff/cases/\d+$", r"/staff/tasks/\d+$"):
        for start in list(pages):
            page.goto(start)
            links = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
            found = [link for link in links if re.search(pattern, link)]
            if found:
                pages.append(found[0])
                break
    return pages


def shoot(page, pages: list[str], out: Path, who: str, width_name: str) -> None:  # type: ignore[no-untyped-def]
    for number, address in enumerate(pages, 1):
        page.goto(address, wait_until="load")
        page.evaluate("document.fonts.ready")
        slug = re.sub(r"[^a-z0-9]+", "-", address.split("//", 1)[1].split("/", 1)[1].lower())
        page.screenshot(
            path=str(out / f"{who}-{number:02d}-{slug.strip('-')[:60]}-{width_name}.png"),
            full_page=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--no-thai-fonts", action="store_true", help="no Thai system font")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="damrong-screens-") as temp:
        folder = Path(temp)
        env = dict(os.environ)
        if args.no_thai_fonts:
            config = folder / "fonts.conf"
            config.write_text(NO_THAI_FONTS.format(cache=folder / "font-cache"), encoding="utf-8")
            env["FONTCONFIG_FILE"] = str(config)
        server, url, database = serve_demo(folder)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, env=env
                )
                citizen = ["/portal/", "/portal/complaint", "/portal/track", "/directory"]
                citizen += kept_case_paths(database)
                for width_name, (width, height) in WIDTHS.items():
                    for who in [*STAFF, "citizen"]:
                        context = browser.new_context(
                            viewport={"width": width, "height": height}, locale="th-TH"
                        )
                        context.set_default_timeout(30_000)
                        page = context.new_page()
                        if who == "citizen":
                            pages = [url + path for path in citizen]
                        else:
                            pages = staff_pages(page, url, who)
                        shoot(page, pages, args.out, who, width_name)
                        context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(args.out)


if __name__ == "__main__":
    main()
