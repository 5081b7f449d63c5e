"""Two officials (or eight) acting on one case at once: one wins, the rest get 409."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.access.tokens import issue_token
from engine.models import AuditEvent, Case, Task
from tests.conftest import intake_data, make_user


def _officials(factory, clock, n: int) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return [
            {
                "Authorization": "Bearer "
                + issue_token(
                    session, clock(), make_user(session, f"screener{i}", "c5001", ["screener"])
                )
            }
            for i in range(n)
        ]


def _race(app, requests) -> list[int]:  # type: ignore[no-untyped-def]
    """Fire the requests from separate threads at the same moment; return status codes."""
    barrier = threading.Barrier(len(requests))
    results: list[int] = [0] * len(requests)

    def worker(i: int, method: str, url: str, headers: dict, body: dict | None) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.open(url, method=method, json=body, headers=headers)
        results[i] = response.status_code

    threads = [threading.Thread(target=worker, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_officials_claim_the_same_task_and_exactly_one_wins(
    app, client, tokens, factory, clock
):
    client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"])
    with factory() as session:
        task_id = session.scalar(select(Task.id))
    officials = _officials(factory, clock, 8)
    codes = _race(app, [("POST", f"/api/v1/tasks/{task_id}/claim", h, None) for h in officials])
    assert sorted(codes) == [200] + [409] * 7
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 1
        claims = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claimed")
        )
    assert claims == 1


def test_eight_officials_complete_the_same_task_and_the_case_advances_once(
    app, client, tokens, factory, clock
):
    case_id = client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"]).get_json()[
        "id"
    ]
    with factory() as session:
        task_id = session.scalar(select(Task.id))
    officials = _officials(factory, clock, 8)
    body = {"data": {"decision": "refer"}}
    codes = _race(app, [("POST", f"/api/v1/tasks/{task_id}/complete", h, body) for h in officials])
    assert codes.count(200) == 1
    assert all(c in (404, 409) for c in codes if c != 200), codes
    with factory() as session:
        case = session.get(Case, case_id)
        assert case.status == "referred"
        steps = session.scalars(select(Task.step).where(Task.case_id == case_id)).all()
        completions = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "task_completed")
        )
    assert steps == ["agency_acknowledge"]
    assert completions == 1


def test_citizen_and_official_at_once_never_corrupt_the_case(app, client, tokens, factory):
    opened = client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"]).get_json()
    with factory() as session:
        task_id = session.scalar(select(Task.id))
    client.post(f"/api/v1/tasks/{task_id}/claim", headers=tokens["screener"])
    codes = _race(
        app,
        [
            (
                "POST",
                f"/api/v1/tasks/{task_id}/complete",
                tokens["screener"],
                {"data": {"decision": "refer"}},
            ),
            (
                "POST",
                f"/api/v1/track/{opened['tracking_code']}/messages/withdraw",
                {"X-Citizen-Secret": opened["citizen_secret"]},
                {},
            ),
        ],
    )
    assert 500 not in codes
    with factory() as session:
        case = session.get(Case, opened["id"])
        steps = session.scalars(select(Task.step).where(Task.case_id == case.id)).all()
    # Whichever came first, the case is in one consistent state.
    assert (case.status, steps) in [("withdrawn", []), ("referred", ["agency_acknowledge"])]
