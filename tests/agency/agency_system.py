"""A simulated agency's own complaint system, run as a separate process by the end-to-end test.

It knows Damrong only through HTTP: it pulls its change feed, reads each case, acknowledges,
reports progress and then the result, retrying every POST with the same Idempotency-Key, and
prints (as JSON) every feed position it received, so the test can check none was missed or
received twice. Usage: python -m tests.agency.agency_system BASE_URL TOKEN [FORWARD_TO [CURSOR]]
(with FORWARD_TO it acknowledges each case and asks to forward it to that agency instead).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request


def call(base: str, token: str, method: str, path: str, body: dict | None = None, key: str = ""):  # type: ignore[no-untyped-def]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def work(base: str, token: str, case_id: int, done: set[int]) -> None:
    """Do whatever the case is waiting for from us, once."""
    _, case = call(base, token, "GET", f"/api/v1/agency/cases/{case_id}")
    waiting = case.get("waiting_for", [])
    if "acknowledge" in waiting:
        call(base, token, "POST", f"/api/v1/agency/cases/{case_id}/acknowledge", {}, f"a{case_id}")
    elif "progress" in waiting and case_id not in done:
        body = {"progress_note": "ลงพื้นที่ตรวจสอบแล้ว"}
        for _ in range(2):  # a retried request (lost answer) acts once
            call(
                base, token, "POST", f"/api/v1/agency/cases/{case_id}/progress", body, f"p{case_id}"
            )
        result = {"result_text": "นายจ้างจ่ายค่าจ้างครบแล้ว"}
        call(base, token, "POST", f"/api/v1/agency/cases/{case_id}/result", result, f"r{case_id}")
        done.add(case_id)


def forward(base: str, token: str, case_id: int, to: str, done: set[int], gone: dict) -> None:
    """Acknowledge, then ask to forward the case to agency `to`; note a case that left us."""
    status, case = call(base, token, "GET", f"/api/v1/agency/cases/{case_id}")
    if status != 200:
        gone[case_id] = status  # forwarded away: we may no longer read it
        return
    waiting = case.get("waiting_for", [])
    if "acknowledge" in waiting:
        call(base, token, "POST", f"/api/v1/agency/cases/{case_id}/acknowledge", {}, f"a{case_id}")
    elif "result" in waiting and case_id not in done:
        body = {"agency": to, "reason": "อยู่ในอำนาจหน้าที่ของหน่วยงานอื่น"}
        call(base, token, "POST", f"/api/v1/agency/cases/{case_id}/forward", body, f"f{case_id}")
        done.add(case_id)


def main(base: str, token: str, forward_to: str | None = None, cursor: str = "0") -> None:
    received, done, gone = [], set(), {}
    for _ in range(50):
        _, page = call(base, token, "GET", f"/api/v1/agency/feed?since={cursor}&limit=3")
        received += [(item["position"], item["case_id"], item["event"]) for item in page["items"]]
        cursor = page["next_cursor"]
        for case_id in dict.fromkeys(item["case_id"] for item in page["items"]):
            if forward_to:
                forward(base, token, case_id, forward_to, done, gone)
            else:
                work(base, token, case_id, done)
        if not page["items"] and done:
            break
    print(json.dumps({"received": received, "cursor": cursor, "gone": gone}))


if __name__ == "__main__":
    # BASE_URL TOKEN [FORWARD_TO [CURSOR]]: with FORWARD_TO, forward each case instead of working it
    main(*sys.argv[1:])
