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
