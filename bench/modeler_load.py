"""Benchmark: how long the process designer's modeler page takes to open the complaint process in
Debian's chromium, from navigation to the modeler saying it is ready (diagram drawn, properties
panel, bpmnlint run, reference lists loaded), warm cache and cold.

Baseline in the same run: bpmn-js's own pre-built Modeler (node_modules/bpmn-js/dist, no Damrong
properties, no Thai, no lint, no server round trips) importing the same complaint.bpmn from a
static page served by the same server.

Prints one JSON object. A demo database in a temporary folder (SQLite); `--runs N` page loads each.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import send_from_directory  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

BASELINE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/bench-raw/assets/diagram-js.css">
<link rel="stylesheet" href="/bench-raw/assets/bpmn-js.css">
<script src="/bench-raw/bpmn-modeler.production.min.js"></script></head>
<body><div id="canvas" style="width:1400px;height:800px"></div>
<script src="/bench-raw/run.js"></script></body></html>"""
RUN_JS = """fetch('/bench-raw/complaint.bpmn').then(r => r.text()).then(xml => {
  const modeler = new BpmnJS({container: '#canvas'});
  return modeler.importXML(xml).then(() => {
    modeler.get('canvas').zoom('fit-viewport');
    document.body.dataset.ready = 'true';
  });
});"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from damrong.app import create_app
    from damrong.config import Config
    from engine.workflow import definitions

    folder = Path(tempfile.mkdtemp(prefix="damrong_bench_modeler_"))
    url = f"sqlite:///{folder / 'bench.db'}"
    subprocess.run(
        [str(Path(sys.executable).with_name("damrong")), "init", "--demo"],
        env={**os.environ, "DAMRONG_DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    app = create_app(Config(database_url=url, secret_key="bench"))
    dist = ROOT / "node_modules" / "bpmn-js" / "dist"
    xml = dict(dict(definitions.shipped_bundles())["complaint"])["complaint.bpmn"]

    @app.get("/bench-raw/<path:name>")
    def raw(name: str):  # type: ignore[no-untyped-def]
        if name == "page.html":
            return BASELINE
        if name == "run.js":
            return RUN_JS, 200, {"Content-Type": "text/javascript"}
        if name == "complaint.bpmn":
            return xml, 200, {"Content-Type": "application/xml"}
        return send_from_directory(dist, name)

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"

    ours: list[float] = []
    raw_times: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/staff/signin")
        page.fill("#username", "designer1")
        page.fill("#password", "damrong1567")
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/designer/")
        page.locator("section[data-process=complaint] button", has_text="สร้างร่าง").click()
        page.wait_for_selector("#designer[data-ready=true]", timeout=30_000)
        draft_url = page.url

        def load(target: str, ready: str) -> float:
            page.goto(target)
            page.wait_for_selector(ready, timeout=30_000)
            return page.evaluate(
                "performance.now() - performance.getEntriesByType('navigation')[0].startTime"
            )

        cold_ours = load(draft_url, "#designer[data-ready=true]")  # the page's first load here
        cold_raw = load(f"{base}/bench-raw/page.html", "body[data-ready=true]")
        for _ in range(args.runs):
            ours.append(load(draft_url, "#designer[data-ready=true]"))
            raw_times.append(load(f"{base}/bench-raw/page.html", "body[data-ready=true]"))
        size = (ROOT / "admin" / "static" / "build" / "designer.js").stat().st_size
        browser.close()
    httpd.shutdown()
    print(
        json.dumps(
            {
                "runs": args.runs,
                "modeler_ready_ms_median": round(statistics.median(ours), 1),
                "modeler_ready_ms_p95": round(percentile(ours, 0.95), 1),
                "modeler_ready_ms_first": round(cold_ours, 1),
                "raw_bpmn_js_ready_ms_median": round(statistics.median(raw_times), 1),
                "raw_bpmn_js_ready_ms_first": round(cold_raw, 1),
                "ratio_median": round(statistics.median(ours) / statistics.median(raw_times), 2),
                "designer_js_kb": round(size / 1024),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
