"""Sixty wrong guesses at once, right after a block ends, on a real threaded server: exactly the
allowed number of them is checked; the others wait (429), whichever secret route they use."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from engine.access.throttle import FREE_GUESSES

GUESSES = 60


@pytest.fixture
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app behind werkzeug's threaded server on a free loopback port."""
    served = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.server_port}"
    served.shutdown()
    thread.join()


def _status(url: str, secret: str = "WRONG000") -> int:
    request = urllib.request.Request(url, headers={"X-Citizen-Secret": secret})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _at_once(urls: list[str]) -> list[int]:
    """Send every request from its own thread at the same moment; their statuses."""
    barrier = threading.Barrier(len(urls))
    statuses = [0] * len(urls)

    def guess(i: int) -> None:
        barrier.wait()
        statuses[i] = _status(urls[i])

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _mixed_urls(base: str) -> list[str]:
    """Guesses spread over the tracking endpoint and the notification choices."""
    paths = ["/api/v1/track/0000-0000-000", "/api/v1/track/0000-0000-000/notifications"]
    return [base + paths[i % 2] for i in range(GUESSES)]


def test_a_fresh_address_gets_only_its_free_guesses_and_one_more(server, factory, clock):
    statuses = _at_once(_mixed_urls(server))
    # The free guesses, then the one that starts the first wait; all the others wait.
    assert sorted(statuses) == [404] * (FREE_GUESSES + 1) + [429] * (GUESSES - FREE_GUESSES - 1)


def test_after_a_block_ends_sixty_concurrent_guesses_get_exactly_one_check(server, factory, clock):
    for _ in range(FREE_GUESSES + 1):
        assert _status(f"{server}/api/v1/track/0000-0000-000") == 404
    assert _status(f"{server}/api/v1/track/0000-0000-000/notifications") == 429
    clock.advance(seconds=1)  # the first block is over

    statuses = _at_once(_mixed_urls(server))
    assert sorted(statuses) == [404] + [429] * (GUESSES - 1)
    assert _status(f"{server}/api/v1/track/0000-0000-000") == 429  # and the next wait is on
