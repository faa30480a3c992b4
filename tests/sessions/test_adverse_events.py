"""Adverse events (DOMAIN.md: recorded against the session and the lot): the service's
rules (lots of the session only, onset not before it, clinicians only, append-only
follow-ups, audited) and the API at /api/v1/appointments/{id}/session/adverse-events/."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from mesoplan.errors import InvalidInput
from mesoplan.models import AuditEntry
from sessions import adverse_events
from sessions.models import AdverseEvent, AdverseEventFollowUp, AdverseEventLot
from tests.sessions.lot_support import amend_to, recorded_sessions
from tests.sessions.recording_support import booked_course, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def boxes(clinician_a):
    practice = clinician_a.practice
    return {n: lot(practice, clinician_a, n) for n in ("L-100", "L-200", "L-300")}


@pytest.fixture
def session(clinician_a, boxes):
    return recorded_sessions(clinician_a, 1, "L-100", "L-200")[0]


def record_event(actor, session, **values):
    defaults = {
        "type": "allergic_reaction",
        "severity": "moderate",
        "onset_at": timezone.now() - timedelta(minutes=5),
        "description": "Wheals on the forehead",
        "action_taken": "Antihistamine",
        "outcome": "recovering",
    }
    return adverse_events.record_adverse_event(
        actor=actor, session_record=session, **{**defaults, **values}
    )


def linked(event) -> set[str]:
    return {link.lot.lot_number for link in AdverseEventLot.objects.filter(event=event)}


# --- the service ---------------------------------------------------------------------


def test_an_event_links_every_lot_of_the_current_version_by_default(clinician_a, session):
    event = record_event(clinician_a, session)
    assert linked(event) == {"L-100", "L-200"}
    assert event.patient_id == session.patient_id and event.practice_id == session.practice_id
    entry = AuditEntry.objects.get(action="adverse_event.record")
    assert entry.object_id == str(event.pk) and entry.patient_id == session.patient_id


def test_after_an_amendment_the_default_is_the_current_version_lots(clinician_a, session, boxes):
    amend_to(clinician_a, session, "L-300")
    assert linked(record_event(clinician_a, session)) == {"L-300"}
    # A lot of the superseded version may still be named: the patient may have had it.
    event = record_event(clinician_a, session, lot_ids=[boxes["L-100"].pk])
    assert linked(event) == {"L-100"}


def test_a_lot_the_session_did_not_use_is_refused_on_lots(clinician_a, session, boxes):
    with pytest.raises(InvalidInput) as caught:
        record_event(clinician_a, session, lot_ids=[boxes["L-100"].pk, boxes["L-300"].pk])
    assert list(caught.value.errors) == ["lots"]
    assert str(boxes["L-300"].pk) in caught.value.errors["lots"][0]
    assert not AdverseEvent.objects.exists()


def test_an_empty_lot_list_links_none(clinician_a, session):
    assert linked(record_event(clinician_a, session, type="haematoma", lot_ids=[])) == set()


def test_an_onset_before_the_session_is_refused(clinician_a, session):
    with pytest.raises(InvalidInput) as caught:
        record_event(clinician_a, session, onset_at=session.performed_at - timedelta(minutes=1))
    assert "before the session" in caught.value.errors["onset_at"][0]
    record_event(clinician_a, session, onset_at=session.performed_at)  # during it: fine


def test_an_onset_ahead_of_now_is_refused(clinician_a, session):
    with pytest.raises(InvalidInput) as caught:
        record_event(clinician_a, session, onset_at=timezone.now() + timedelta(hours=2))
    assert "future" in caught.value.errors["onset_at"][0]


def test_only_a_clinician_records_and_follows_up(manager_a, clinician_a, session):
    with pytest.raises(PermissionDenied):
        record_event(manager_a, session)
    event = record_event(clinician_a, session)
    with pytest.raises(PermissionDenied):
        adverse_events.follow_up_adverse_event(actor=manager_a, event=event, outcome="recovered")


def test_another_practice_session_is_not_found(clinician_b, session):
    from django.http import Http404

    with pytest.raises(Http404):
        record_event(clinician_b, session)


def test_follow_ups_append_and_the_event_never_changes(clinician_a, session):
    event = record_event(clinician_a, session)
    adverse_events.follow_up_adverse_event(
        actor=clinician_a, event=event, outcome="recovering", note="Less swelling"
    )
    adverse_events.follow_up_adverse_event(actor=clinician_a, event=event, outcome="recovered")
    event = adverse_events.adverse_events_for(clinician_a).get(pk=event.pk)
    assert event.outcome == "recovering"
    assert adverse_events.current_outcome(event) == "recovered"
    assert AdverseEventFollowUp.objects.filter(event=event).count() == 2
    assert AuditEntry.objects.filter(action="adverse_event.follow_up").count() == 2
    with pytest.raises(InvalidInput):
        adverse_events.follow_up_adverse_event(actor=clinician_a, event=event, outcome="dead")


def test_the_database_refuses_to_edit_an_event(clinician_a, session):
    event = record_event(clinician_a, session)
    with pytest.raises(DatabaseError), transaction.atomic():
        AdverseEvent.objects.filter(pk=event.pk).update(severity="mild")


# --- the API -------------------------------------------------------------------------


def events_url(session) -> str:
    return reverse("session-adverse-event-list", args=[session.appointment_id])


def post_event(api, session, **body):
    data = {
        "type": "allergic_reaction",
        "severity": "severe",
        "onset_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "outcome": "recovering",
    } | body
    return api.post(events_url(session), data, format="json")


def test_the_api_records_an_event_and_lists_it(api_a, clinician_a, session, boxes):
    response = post_event(api_a, session, description="Urticaria", action_taken="Cetirizine")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["session_record"] == str(session.pk)
    assert body["appointment"] == str(session.appointment_id)
    assert body["patient"] == str(session.patient_id)
    assert body["type"] == "allergic_reaction" and body["severity"] == "severe"
    assert body["current_outcome"] == "recovering" and body["follow_ups"] == []
    assert sorted(lot["lot_number"] for lot in body["lots"]) == ["L-100", "L-200"]
    assert body["recorded_by"] == str(clinician_a.pk)
    listed = api_a.get(events_url(session)).json()
    assert [e["id"] for e in listed["results"]] == [body["id"]] and listed["next"] is None
    detail = reverse("session-adverse-event-detail", args=[session.appointment_id, body["id"]])
    assert api_a.get(detail).json() == body


def test_the_api_names_the_field_of_a_bad_lot_or_onset(api_a, session, boxes):
    response = post_event(api_a, session, lots=[str(boxes["L-300"].pk)])
    assert response.status_code == 400 and list(response.json()) == ["lots"]
    early = (session.performed_at - timedelta(hours=1)).isoformat()
    response = post_event(api_a, session, onset_at=early)
    assert response.status_code == 400 and list(response.json()) == ["onset_at"]
    response = post_event(api_a, session, severity="fatal")
    assert response.status_code == 400 and list(response.json()) == ["severity"]
    response = post_event(api_a, session, colour="red")
    assert response.status_code == 400 and response.json() == {"colour": ["Unknown field."]}
    assert not AdverseEvent.objects.exists()


def test_the_api_links_the_lots_it_is_given(api_a, session, boxes):
    response = post_event(api_a, session, lots=[str(boxes["L-200"].pk)])
    assert [lot["lot_number"] for lot in response.json()["lots"]] == ["L-200"]


def test_an_appointment_without_a_session_record_is_404(api_a, clinician_a):
    appointment = booked_course(clinician_a).appointments.first()
    url = reverse("session-adverse-event-list", args=[appointment.pk])
    response = api_a.get(url)
    assert response.status_code == 404
    assert "This appointment has no recorded session." in response.json()["detail"]
    assert api_a.post(url, {}, format="json").status_code == 404


def test_a_follow_up_through_the_api(api_a, clinician_a, session):
    event = record_event(clinician_a, session)
    url = reverse("session-adverse-event-follow-ups", args=[session.appointment_id, event.pk])
    response = api_a.post(url, {"outcome": "recovered", "note": "Clear"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == "recovering" and body["current_outcome"] == "recovered"
    assert [(f["outcome"], f["note"]) for f in body["follow_ups"]] == [("recovered", "Clear")]
    assert api_a.post(url, {"outcome": "later"}, format="json").status_code == 400


def test_an_event_of_another_session_is_not_found_under_this_one(api_a, clinician_a, session):
    other = recorded_sessions(clinician_a, 1, "L-100")[0]
    event = record_event(clinician_a, other)
    url = reverse("session-adverse-event-detail", args=[session.appointment_id, event.pk])
    assert api_a.get(url).status_code == 404


def test_managers_read_events_but_do_not_record_them(api_for, manager_a, clinician_a, session):
    record_event(clinician_a, session)
    api = api_for(manager_a)
    assert len(api.get(events_url(session)).json()["results"]) == 1
    assert post_event(api, session).status_code == 403
    assert AdverseEvent.objects.count() == 1


def test_practice_b_finds_nothing(api_b, clinician_a, session):
    event = record_event(clinician_a, session)
    assert api_b.get(events_url(session)).status_code == 404
    assert post_event(api_b, session).status_code == 404
    url = reverse("session-adverse-event-follow-ups", args=[session.appointment_id, event.pk])
    assert api_b.post(url, {"outcome": "recovered"}, format="json").status_code == 404
    assert AdverseEvent.objects.count() == 1 and not AdverseEventFollowUp.objects.exists()


@pytest.mark.parametrize("count", [1, 6])
def test_the_event_list_runs_constant_queries(
    api_a, clinician_a, session, count, django_assert_max_num_queries
):
    for _ in range(count):
        event = record_event(clinician_a, session)
        adverse_events.follow_up_adverse_event(actor=clinician_a, event=event, outcome="recovered")
    # token, practice, the record; events, their lots, their follow-ups
    with django_assert_max_num_queries(6):
        assert len(api_a.get(events_url(session)).json()["results"]) == count
