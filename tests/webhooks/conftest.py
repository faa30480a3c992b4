"""A real receiver on loopback (pytest-httpserver) and an endpoint pointing at it."""

import pytest

from webhooks import endpoints
from webhooks.models import Event


@pytest.fixture
def receiver(httpserver):
    return httpserver


@pytest.fixture
def endpoint(manager_a, receiver):
    made = endpoints.register(
        actor=manager_a, url=receiver.url_for("/hook"), events=list(Event.values)
    )
    made.endpoint.test_secret = made.secret  # type: ignore[attr-defined]
    return made.endpoint


def fan_out_now(practice_id, now=None, expect: int = 1, timeout: float = 60.0) -> list[str]:
    """fanout.fan_out until it has made `expect` messages: on PostgreSQL it reads only
    changes below the oldest running transaction of the cluster, which another test's
    transaction may hold back for a moment."""
    import time

    from webhooks import fanout

    made: list[str] = []
    deadline = time.monotonic() + timeout
    while len(made) < expect and time.monotonic() < deadline:
        made += fanout.fan_out(practice_id, now=now)
        if len(made) < expect:
            time.sleep(0.05)
    return made
