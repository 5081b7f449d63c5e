"""Benchmark: cases opened per second through the real HTTP API on SQLite.

A real `damrong serve` process (waitress with one process, or gunicorn with --workers N) on
a fresh SQLite file; concurrent keep-alive clients POST /api/v1/cases with a 1,000-character
Thai complaint until `--cases` are open. Every response must be 201: a 409 (busy) or 5xx is
counted and reported, not retried.

Baselines in the same run: raw SpiffWorkflow creating, running and serializing the same
model's instance in this process (what the engine alone costs, no database, no HTTP), and
the Damrong engine service without HTTP.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engine_vs_raw  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402

from engine.cases import intake  # noqa: E402
from engine.clock import system_clock  # noqa: E402
from engine.workflow import definitions, spiff  # noqa: E402
from engine.workflow.scripting import make_script_engine  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, workers: int, port: int) -> subprocess.Popen:
    env = dict(os.environ, DAMRONG_DATABASE_URL=url, DAMRONG_SECRET_KEY="bench" * 8)
    process = subprocess.Popen(
        [sys.executable, "-m", "damrong.cli", "serve", "--no-scheduler"]
        + ["--workers", str(workers), "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def load(port: int, token: str, total: int, clients: int) -> dict:
    body = json.dumps(engine_vs_raw.intake(), ensure_ascii=False).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            start = time.perf_counter()
            conn.request("POST", "/api/v1/cases", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "cases_per_s": round(statuses.get(201, 0) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def raw_spiff_rate(n: int) -> float:
    """Instances of the same model created, run to the first user task and serialized, per s."""
    parsed = spiff.parse(definitions.read_process_files(), "complaint")
    engine = make_script_engine(
        {
            "category_default_agency": lambda c: None,
            "refer_case": lambda *a: None,
            "notify": lambda e: None,
            "policy_duration": lambda n: "P30D",
            "province_of": lambda a: a[:2],
        }
    )
    start = time.perf_counter()
    for _ in range(n):
        wf = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=engine)
        wf.data.update(
            {"category": "labour", "area_code": "500101", "province": "50", "channel": "walk_in"}
        )
        wf.do_engine_steps()
        spiff.SERIALIZER.serialize_json(wf)
    return n / (time.perf_counter() - start)


def engine_rate(factory, actor, n: int) -> float:  # type: ignore[no-untyped-def]
    """Cases opened through the engine service (own transaction each), no HTTP, per s."""
    start = time.perf_counter()
    for _ in range(n):
        with factory.begin() as session:
            intake.open_case(session, system_clock, actor, engine_vs_raw.intake())
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000, help="cases per server run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    figures: dict[str, object] = {"cases": args.cases, "clients": args.clients}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        _engine, factory, actors, token = engine_vs_raw.setup(url)
        _engine.dispose()
        raw_spiff_rate(20)
        figures["raw_spiff_cases_per_s"] = round(raw_spiff_rate(500), 1)
        engine_rate(factory, actors["intake"], 20)
        figures["engine_service_cases_per_s"] = round(
            engine_rate(factory, actors["intake"], 500), 1
        )
        for workers in args.workers:
            port = free_port()
            server = start_server(url, workers, port)
            try:
                load(port, token, 100, args.clients)  # warm-up: imports, caches, connections
                figures[f"http_workers_{workers}"] = load(port, token, args.cases, args.clients)
            finally:
                server.terminate()
                server.wait(timeout=30)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
