"""Issue 16.B.4: a client moves an appointment by writing back the representation it
read, with `starts_at` changed (the length kept) or with `ends_at` too (a new length);
read-only fields are ignored when unchanged, refused when changed; only fields the
resource does not have are unknown."""

import pytest
import time_machine

from scheduling.models import Appointment
from tests.scheduling.test_course_booking import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(api_a, clinician_a, ready_patient):
    with time_machine.travel(NOW, tick=False):
        response = api_a.post(
            "/api/v1/appointments/",
            {
                "patient": str(ready_patient.pk),
                "clinician": str(clinician_a.pk),
                "kind": "consultation",
                "starts_at": "2026-09-09T10:00:00+02:00",
                "ends_at": "2026-09-09T10:30:00+02:00",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    return response.json()


def put(api, representation, **query):
    with time_machine.travel(NOW, tick=False):
        return api.put(
            f"/api/v1/appointments/{representation['id']}/",
            representation,
            format="json",
            QUERY_STRING="&".join(f"{k}={v}" for k, v in query.items()),
        )


def test_writing_back_the_representation_with_a_new_start_keeps_the_length(api_a, consultation):
    # The client changed both ends by the same half hour, as a calendar app does.
    moved = put(
        api_a,
        {
            **consultation,
            "starts_at": "2026-09-09T14:00:00+02:00",
            "ends_at": "2026-09-09T14:30:00+02:00",
        },
    )
    assert moved.status_code == 200, moved.content
    row = Appointment.objects.get(pk=consultation["id"])
    assert (row.ends_at - row.starts_at).total_seconds() == 30 * 60


def test_ends_at_gives_a_new_length(api_a, consultation):
    longer = {
        **consultation,
        "starts_at": "2026-09-09T14:00:00+02:00",
        "ends_at": "2026-09-09T15:00:00+02:00",
    }
    dry = put(api_a, longer, dry_run="true")
    assert dry.status_code == 200 and dry.json()["changes"][0]["ends_at"].startswith(
        "2026-09-09T15:00"
    )
    assert put(api_a, longer).status_code == 200
    row = Appointment.objects.get(pk=consultation["id"])
    assert (row.ends_at - row.starts_at).total_seconds() == 60 * 60


def test_starts_at_alone_keeps_the_length(api_a, consultation):
    with time_machine.travel(NOW, tick=False):
        response = api_a.patch(
            f"/api/v1/appointments/{consultation['id']}/",
            {"starts_at": "2026-09-09T16:00:00+02:00"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["ends_at"].startswith("2026-09-09T16:30")


@pytest.mark.parametrize(
    "field, value", [("kind", "maintenance"), ("status", "cancelled"), ("sequence", 3)]
)
def test_a_changed_read_only_field_is_refused_and_nothing_moves(api_a, consultation, field, value):
    response = put(
        api_a,
        {
            **consultation,
            "starts_at": "2026-09-09T14:00:00+02:00",
            "ends_at": "2026-09-09T14:30:00+02:00",
            field: value,
        },
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Appointment.objects.get(pk=consultation["id"]).starts_at.hour == 8  # 10:00 Berlin


def test_a_field_the_resource_does_not_have_is_unknown(api_a, consultation):
    response = put(api_a, {**consultation, "colour": "red"})
    assert response.status_code == 400 and response.json() == {"colour": ["Unknown field."]}


@pytest.mark.parametrize(
    "ends_at",
    ["2026-09-09T14:00:00+02:00", "2026-09-09T13:00:00+02:00", "2026-09-10T03:00:00+02:00"],
)
def test_an_end_not_after_the_start_or_too_long_is_refused(api_a, consultation, ends_at):
    response = put(
        api_a, {**consultation, "starts_at": "2026-09-09T14:00:00+02:00", "ends_at": ends_at}
    )
    assert response.status_code == 400 and "ends_at" in response.json()
