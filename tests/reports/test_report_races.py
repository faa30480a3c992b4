"""The same report asked for by many at once (reports.builds.request_report): one build,
every answer naming it (the partial unique index on request_key holds on PostgreSQL)."""

import pytest

from reports import builds
from reports.models import Report
from tests.concurrency import race
from tests.reports.test_reports_api import URL

N = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_identical_requests_make_one_build(api_for, manager_a, monkeypatch):
    # Nothing builds while they race: an eager build finishing in between would let a
    # later request start a second build legitimately (the first one is no longer pending).
    enqueued = []
    monkeypatch.setattr(builds, "_enqueue", enqueued.append)
    body = {"kind": "meso_report", "sex": "female", "min_sessions": 2}

    def attempt():
        answer = api_for(manager_a).post(URL, body, format="json")
        return f"{answer.status_code} {answer.json().get('id')}"

    outcomes = race([attempt] * N, {})
    statuses = {outcome.split()[0] for outcome in outcomes}
    assert statuses == {"202"}, outcomes
    ids = {outcome.split()[1] for outcome in outcomes}
    assert len(ids) == 1, outcomes
    (report,) = Report.objects.all()
    assert str(report.pk) in ids and report.status == "pending"
    assert [str(pk) for pk in enqueued] == [str(report.pk)]  # enqueued once, by its transaction
