"""API list endpoints: time and query count per request at growing data sizes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.clients import token_client
from tests.factories import ClinicianFactory, PracticeFactory


def run(timed) -> None:
    practice = PracticeFactory(name="Bench practice", slug="bench")
    me = ClinicianFactory(practice=practice)
    client = token_client(me)
    print(f"{'endpoint':<22}{'rows':>6}{'queries':>9}{'median ms':>11}{'ratio':>7}")
    base = None
    url = "/api/v1/clinicians/?page_size=200"
    for size in (10, 50, 200):
        ClinicianFactory.create_batch(size - practice.staff.count(), practice=practice)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, response.content
        queries = len(ctx)  # read now: the next request clears the query log
        ms = timed(lambda: client.get(url))
        base = base or ms
        print(f"{'GET /clinicians/':<22}{size:>6}{queries:>9}{ms:>11.2f}{ms / base:>7.2f}")
