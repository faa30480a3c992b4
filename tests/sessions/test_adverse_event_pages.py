"""Adverse events in the browser: the session page's section (a tag the session record page
places), recording one and following it up through their own URLs, and the alert on the
patient's record; a manager reads but does not record; constant queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from sessions import adverse_events
from sessions.models import AdverseEvent, AdverseEventFollowUp
from tests.sessions.lot_support import amend_to, recorded_sessions
from tests.sessions.recording_support import lot

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # 09:00 in Berlin; sessions an hour ago


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session(clinician_a):
    practice = clinician_a.practice
    for number in ("L-100", "L-200", "L-300"):
        lot(practice, clinician_a, number)
    return recorded_sessions(
        clinician_a, 1, "L-100", "L-200", performed_at=NOW - timedelta(hours=1)
    )[0]


def record_event(clinician, session, **values):
    return adverse_events.record_adverse_event(
        actor=clinician,
        session_record=session,
        **{
            "type": "allergic_reaction",
            "severity": "moderate",
            "onset_at": NOW,
            "outcome": "recovering",
            **values,
        },
    )


def render_section(user, session) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load adverse_events %}{% session_adverse_events session %}")
    return template.render(RequestContext(request, {"session": session}))


def form_data(**fields):
    data = {
        "event-type": "allergic_reaction",
        "event-severity": "severe",
        "event-onset_date": "10.03.2026",
        "event-onset_time": "08:30",
        "event-outcome": "recovering",
        "event-description": "Wheals on the forehead",
        "event-action_taken": "Cetirizine",
    }
    return data | fields


# --- the session page's section ------------------------------------------------------


def test_the_section_shows_events_lots_and_follow_ups_and_the_form(clinician_a, session):
    event = record_event(clinician_a, session, description="Wheals")
    adverse_events.follow_up_adverse_event(
        actor=clinician_a, event=event, outcome="recovered", note="Gone after two days"
    )
    html = render_section(clinician_a, session)
    assert "Allergic reaction" in html and "Wheals" in html
    assert "Gone after two days" in html and "Recovered" in html
    assert "L-100" in html and "L-200" in html
    assert reverse("calendar:adverse-event-add", args=[session.pk]) in html
    assert reverse("calendar:adverse-event-follow-up", args=[session.pk, event.pk]) in html
    # Every lot of the current version is ticked by default.
    assert html.count("checked") == 2


def test_a_manager_sees_the_events_without_the_forms(manager_a, clinician_a, session):
    record_event(clinician_a, session)
    html = render_section(manager_a, session)
    assert "Allergic reaction" in html
    assert "Record adverse event" not in html and "Add a follow-up" not in html


def test_an_earlier_version_lot_is_offered_unticked(clinician_a, session):
    amend_to(clinician_a, session, "L-300")
    html = render_section(clinician_a, session)
    assert "L-100 (NWM-MesoLift), only in an earlier version of the record" in html
    assert html.count("checked") == 1  # L-300, the current version's


@pytest.mark.parametrize("count", [1, 6])
def test_the_section_runs_constant_queries(
    clinician_a, session, count, django_assert_max_num_queries
):
    for _ in range(count):
        event = record_event(clinician_a, session)
        adverse_events.follow_up_adverse_event(actor=clinician_a, event=event, outcome="recovered")
    with django_assert_max_num_queries(4):  # events, their lots, follow-ups; the passes
        render_section(clinician_a, session)


# --- recording and following up -------------------------------------------------------


def test_recording_an_event_goes_back_to_the_session(browser_a, clinician_a, session):
    url = reverse("calendar:adverse-event-add", args=[session.pk])
    response = browser_a.post(
        url, form_data(**{"event-lots": [str(session.passes.first().lot_id)]})
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("calendar:session", args=[session.appointment_id]) + "#adverse-events"
    )
    event = AdverseEvent.objects.get()
    assert (event.type, event.severity, event.outcome) == (
        "allergic_reaction",
        "severe",
        "recovering",
    )
    assert event.onset_at == datetime(2026, 3, 10, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
    assert [lot.lot_number for lot in event.lots.all()] == ["L-100"]


def test_a_refused_event_shows_its_form_with_the_errors(browser_a, session):
    url = reverse("calendar:adverse-event-add", args=[session.pk])
    response = browser_a.post(url, form_data(**{"event-onset_time": "07:30"}))  # before it
    assert response.status_code == 400
    assert "before the session" in response.context["form"].errors["onset_date"][0]
    response = browser_a.post(url, form_data(**{"event-severity": "", "event-onset_time": "9"}))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"severity", "onset_time"}
    assert "One answer needs attention" not in response.content.decode()
    assert "2 answers need attention" in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_the_form_page_opens_on_its_own(browser_a, session):
    html = browser_a.get(reverse("calendar:adverse-event-add", args=[session.pk])).content
    assert b"Record adverse event" in html and b'value="10.03.2026"' in html


def test_a_manager_may_not_record_an_event(client, manager_a, session):
    client.force_login(manager_a)
    url = reverse("calendar:adverse-event-add", args=[session.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert not AdverseEvent.objects.exists()


def test_a_follow_up_in_the_browser(browser_a, clinician_a, session):
    event = record_event(clinician_a, session)
    url = reverse("calendar:adverse-event-follow-up", args=[session.pk, event.pk])
    prefix = f"follow-{event.pk}"
    response = browser_a.post(url, {f"{prefix}-outcome": "recovered", f"{prefix}-note": "Clear"})
    assert response.status_code == 302
    follow_up = AdverseEventFollowUp.objects.get()
    assert (follow_up.outcome, follow_up.note) == ("recovered", "Clear")
    response = browser_a.post(url, {f"{prefix}-outcome": "better"})
    assert response.status_code == 400 and AdverseEventFollowUp.objects.count() == 1


# --- the patient's record -------------------------------------------------------------


def test_the_patient_record_shows_the_event_as_an_alert(browser_a, clinician_a, session):
    record_event(clinician_a, session, severity="severe")
    html = browser_a.get(reverse("patients:detail", args=[session.patient_id])).content.decode()
    strip = html.split('aria-labelledby="adverse-event-alerts-title"')[1].split("</section>")[0]
    assert "Adverse event: allergic reaction (severe)" in strip
    assert "alert-item--excluded" in strip and "L-100" in strip and "recovering" in strip


def test_a_patient_without_events_has_no_such_alert(browser_a, session):
    html = browser_a.get(reverse("patients:detail", args=[session.patient_id])).content.decode()
    assert "adverse-event-alerts-title" not in html
