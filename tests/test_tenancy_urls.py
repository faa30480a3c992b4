"""Walks every URL of the URL conf: practice B's user asking for practice A's objects
gets 404 (or 405 for a method the URL does not serve) and nothing changes.

A URL with a parameter that is not in OBJECT_URLS fails the walk, so a new URL cannot
escape this check: add it here with the kwargs of one practice-A object.
"""

import json
from collections.abc import Callable, Iterator

import pytest
from django.apps import apps
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scheduling.calendar_feed import feed_token

pytestmark = pytest.mark.django_db

# Namespaces that hold no practice data or have their own guard (admin: superusers only).
SKIPPED_NAMESPACES = {"admin"}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _world(fx) -> dict:
    """Objects of practice A, built once per test, that parametrised URLs point at."""
    return fx.getfixturevalue("practice_a_world")


# url name -> kwargs for one object of practice A (from the world dict)
OBJECT_URLS: dict[str, Callable[[dict], dict]] = {
    "clinician-detail": lambda w: {"pk": w["clinician"].pk},
    "clinician-calendar": lambda w: {"pk": w["clinician"].pk},
    "clinician-revoke-feed": lambda w: {"pk": w["clinician"].pk},
    "calendar-feed": lambda w: {
        "clinician_id": w["clinician"].pk,
        "token": feed_token(w["stranger"]),
    },
    "patient-detail": lambda w: {"pk": w["patient"].pk},
    "course-detail": lambda w: {"pk": w["course"].pk},
    "course-end": lambda w: {"pk": w["course"].pk},
    "appointment-detail": lambda w: {"pk": w["course"].appointments.first().pk},
    "appointment-cancel": lambda w: {"pk": w["course"].appointments.first().pk},
    **{
        f"appointment-{name}": lambda w: {"pk": w["course"].appointments.first().pk}
        for name in ("check-in", "undo-check-in", "no-show", "undo-no-show", "done")
    },
    "appointment-session": lambda w: {"appointment_pk": w["course"].appointments.first().pk},
    "appointment-session-amend": lambda w: {"appointment_pk": w["course"].appointments.first().pk},
    "patient-history": lambda w: {"pk": w["patient"].pk},
    "patient-screening-list": lambda w: {"patient_pk": w["patient"].pk},
    "patient-screening-detail": lambda w: {"patient_pk": w["patient"].pk, "pk": w["screening"].pk},
    "patient-screening-acknowledge": lambda w: {
        "patient_pk": w["patient"].pk,
        "pk": w["screening"].pk,
    },
    "patients:detail": lambda w: {"pk": w["patient"].pk},
    "patients:edit": lambda w: {"pk": w["patient"].pk},
    "patients:screening-create": lambda w: {"pk": w["patient"].pk},
    "patients:screening": lambda w: {"pk": w["patient"].pk, "screening_pk": w["screening"].pk},
    "patients:screening-acknowledge": lambda w: {
        "pk": w["patient"].pk,
        "screening_pk": w["screening"].pk,
    },
    "courses:book": lambda w: {"patient_pk": w["patient"].pk},
    "courses:detail": lambda w: {"pk": w["course"].pk},
    "courses:replan": lambda w: {"pk": w["course"].pk},
    "courses:end": lambda w: {"pk": w["course"].pk},
    "calendar:appointment": lambda w: {"pk": w["course"].appointments.first().pk},
    "calendar:reschedule": lambda w: {"pk": w["course"].appointments.first().pk},
    "calendar:cancel": lambda w: {"pk": w["course"].appointments.first().pk},
    "courses:rebook": lambda w: {"pk": w["course"].pk, "sequence": 1},
    "calendar:day-action": lambda w: {
        "pk": w["course"].appointments.first().pk,
        "action": "check_in",
    },
    "calendar:session": lambda w: {"pk": w["course"].appointments.first().pk},
    "calendar:session-amend": lambda w: {"pk": w["course"].appointments.first().pk},
    "calendar:clinician-settings": lambda w: {"pk": w["clinician"].pk},
    "calendar:absence-add": lambda w: {"pk": w["clinician"].pk},
    "calendar:absence-remove": lambda w: {"pk": w["clinician"].pk},
    "staff:detail": lambda w: {"pk": w["clinician"].pk},
    "staff:deactivate": lambda w: {"pk": w["clinician"].pk},
    "staff:reactivate": lambda w: {"pk": w["clinician"].pk},
    "staff:reset-password": lambda w: {"pk": w["clinician"].pk},
    "staff:unlock": lambda w: {"pk": w["clinician"].pk},
    "staff:reset-second-factor": lambda w: {"pk": w["clinician"].pk},
    "api-tokens-detail": lambda w: {"pk": w["api_token"].pk},
    "api-token-revoke": lambda w: {"pk": w["api_token"].pk},
    # Lots, equipment and adverse events (see `_lot_world`).
    "lot-detail": lambda w: {"pk": w["lot"].pk},
    "lot-recipients": lambda w: {"pk": w["lot"].pk},
    "lot-recipients-csv": lambda w: {"pk": w["lot"].pk},
    "equipment-detail": lambda w: {"pk": w["equipment"].pk},
    "session-adverse-event-list": lambda w: {"appointment_pk": w["lot_session"].appointment_id},
    "session-adverse-event-detail": lambda w: {
        "appointment_pk": w["lot_session"].appointment_id,
        "pk": w["adverse_event"].pk,
    },
    "session-adverse-event-follow-ups": lambda w: {
        "appointment_pk": w["lot_session"].appointment_id,
        "pk": w["adverse_event"].pk,
    },
    "lots:detail": lambda w: {"pk": w["lot"].pk},
    "lots:recipients-csv": lambda w: {"pk": w["lot"].pk},
    "calendar:adverse-event-add": lambda w: {"record_pk": w["lot_session"].pk},
    "calendar:adverse-event-follow-up": lambda w: {
        "record_pk": w["lot_session"].pk,
        "pk": w["adverse_event"].pk,
    },
    # Outcomes: consent to photography, a recorded session's measures and photos, surveys.
    "patient-photography-consent": lambda w: {"pk": w["patient"].pk},
    "patients:photo-consent": lambda w: {"pk": w["patient"].pk},
    "session-measures": lambda w: {"appointment_pk": w["session"].appointment_id},
    "session-photos": lambda w: {"appointment_pk": w["session"].appointment_id},
    "photo-detail": lambda w: {"pk": w["photo"].pk},
    "photo-content": lambda w: {"pk": w["photo"].pk},
    "photo": lambda w: {"pk": w["photo"].pk},
    "calendar:session-measures": lambda w: {"record_pk": w["session"].pk},
    "calendar:session-photo-add": lambda w: {"record_pk": w["session"].pk},
    "course-survey": lambda w: {"course_pk": w["session"].course_id},
    "course-survey-link": lambda w: {"course_pk": w["session"].course_id},
    "courses:survey": lambda w: {"pk": w["session"].course_id},
    "courses:survey-link": lambda w: {"pk": w["session"].course_id},
    # The patient's survey page has no practice: its token is the credential (a valid one
    # opens it for anyone holding the link). A token that is no link's is not found.
    "survey-answer": lambda w: {"token": "no-link-has-this-token"},
    # Webhooks: an endpoint of practice A and a message made for it.
    "webhook-detail": lambda w: {"pk": w["webhook"].pk},
    "report-detail": lambda w: {"pk": w["report"].pk},
    "reports:detail": lambda w: {"pk": w["report"].pk},
    "reports:progress": lambda w: {"pk": w["report"].pk},
    "reports:csv": lambda w: {"pk": w["report"].pk, "table": "satisfaction"},
    "webhook-deliveries": lambda w: {"pk": w["webhook"].pk},
    "webhook-redeliver": lambda w: {"pk": w["webhook"].pk},
    "webhook-rotate-secret": lambda w: {"pk": w["webhook"].pk},
    "webhooks:detail": lambda w: {"pk": w["webhook"].pk},
    "webhooks:rotate": lambda w: {"pk": w["webhook"].pk},
    "webhooks:toggle": lambda w: {"pk": w["webhook"].pk},
    "webhooks:delete": lambda w: {"pk": w["webhook"].pk},
    "webhooks:redeliver": lambda w: {"pk": w["webhook"].pk, "message_id": w["webhook_message"]},
}
# Network-wide reference data: the same for every practice, so readable by all of them.
SHARED_URLS: dict[str, Callable[[dict], dict]] = {
    "protocol-detail": lambda w: {"code": "mesolift"},
}


def iter_urls(resolver=None, namespace=None, params=frozenset()) -> Iterator[tuple[str, frozenset]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        names = params | frozenset(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_urls(entry, full, names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), names


def snapshot() -> str:
    """Every row the apps own, serialised: equal before and after means nothing changed."""
    rows = []
    for label in (
        "mesoplan",
        "protocols",
        "patients",
        "scheduling",
        "lots",
        "clinical_sessions",
        "outcomes",
        "reports",
        "webhooks",
    ):
        for model in apps.get_app_config(label).get_models():
            # Request bookkeeping, not the practice's records: idempotency keys, and the
            # API tokens the callers sign in with (made and touched by the calls).
            if model._meta.model_name in ("idempotencykey", "apitoken"):
                continue
            rows.append(serializers.serialize("json", model.objects.order_by("pk")))
    return json.dumps(rows)


def parametrised_urls() -> list[str]:
    return sorted({name for name, params in iter_urls() if params})


def test_every_parametrised_url_is_covered():
    missing = [name for name in parametrised_urls() if name not in OBJECT_URLS | SHARED_URLS]
    assert not missing, f"add these URLs to OBJECT_URLS in {__file__}: {missing}"


@pytest.mark.parametrize("who", ["clinician_b", "manager_b"])
@pytest.mark.parametrize("url_name", sorted(OBJECT_URLS))
def test_other_practice_gets_404_and_changes_nothing(url_name, who, request, client, api_for):
    """Whatever the role: another practice's object is not found (404), even where the
    role could not act on it anyway (the lookup comes before the role check)."""
    stranger = request.getfixturevalue(who)
    world = _world(request)
    url = reverse(url_name, kwargs=OBJECT_URLS[url_name](world))
    api = api_for(stranger)
    client.force_login(stranger)
    before = snapshot()
    seen = []
    # Browser pages know only the session; API endpoints take both token and session.
    callers = (api, client) if url.startswith("/api/") else (client,)
    for caller in callers:
        for method in ("get", *WRITE_METHODS):
            response = getattr(caller, method)(url, data={}, content_type="application/json")
            seen.append(response.status_code)
            assert response.status_code in (404, 405), (method, url, response.status_code)
    assert 404 in seen
    assert snapshot() == before


@pytest.mark.parametrize("url_name", sorted(OBJECT_URLS))
def test_network_admin_reads_no_practice_record_and_changes_nothing(
    url_name, request, client, api_for, network_admin
):
    """The network admin's scope covers practice A (its network), for aggregated figures
    only: every record URL still refuses them (403) or does not find the object."""
    world = _world(request)
    url = reverse(url_name, kwargs=OBJECT_URLS[url_name](world))
    api = api_for(network_admin)
    client.force_login(network_admin)
    before = snapshot()
    callers = (api, client) if url.startswith("/api/") else (client,)
    for caller in callers:
        for method in ("get", *WRITE_METHODS):
            response = getattr(caller, method)(url, data={}, content_type="application/json")
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("url_name", sorted(SHARED_URLS))
def test_shared_reference_data_is_readable_by_every_practice(
    url_name, request, api_for, clinician_b
):
    url = reverse(url_name, kwargs=SHARED_URLS[url_name](_world(request)))
    assert api_for(clinician_b).get(url).status_code == 200
    assert api_for(clinician_b).post(url, {}, format="json").status_code == 405


def _api_token_of(user):
    from mesoplan.models import ApiToken
    from tests.factories import api_key_for

    api_key_for(user, name="practice A's client")
    return ApiToken.objects.filter(user=user).latest("created_at")


@pytest.fixture
def practice_a_world(clinician_a, manager_a, clinician_b):
    from datetime import timedelta

    from django.utils import timezone

    from patients import services
    from scheduling import booking
    from tests.factories import PatientFactory

    patient = PatientFactory(practice=clinician_a.practice)
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["herpes"]
    )
    ready = PatientFactory(practice=clinician_a.practice)
    services.create_screening(
        actor=clinician_a,
        patient=ready,
        indication="skin",
        informed_consent=True,
        expectations_acknowledged=True,
    )
    course = booking.book_course(
        actor=clinician_a,
        patient=ready,
        protocol_code="mesolift",
        clinician_id=clinician_a.pk,
        start=timezone.now() + timedelta(days=7),
        initial_interval_days=7,
    ).course
    from outcomes import measures, photos, surveys
    from tests.outcomes.outcome_support import consent, image_bytes, recorded_session, upload

    session = recorded_session(clinician_a)
    consent(clinician_a, session.patient)
    measures.record_measures(actor=clinician_a, session_record=session, gais=2)
    photo = photos.add_photo(
        actor=clinician_a, session_record=session, phase="before", upload=upload(image_bytes())
    )
    surveys.hand_out_link(actor=clinician_a, course=session.course)
    return {
        "course": course,
        "session": session,
        "photo": photo,
        "clinician": clinician_a,
        "api_token": _api_token_of(clinician_a),
        "manager": manager_a,
        "stranger": clinician_b,
        "patient": patient,
        "screening": screening,
        **_lot_world(clinician_a),
        **_webhook_world(manager_a, clinician_a),
        "report": _report(manager_a),
    }


def _report(manager_a):
    from reports import builds

    return builds.request_report(manager_a, {"kind": "meso_report"})[0]


def _webhook_world(manager_a, clinician_a) -> dict:
    from django.utils import timezone

    from webhooks import endpoints
    from webhooks.models import Message

    webhook = endpoints.register(
        actor=manager_a, url="http://127.0.0.1:9/hook", events=["appointment.created"]
    ).endpoint
    # Made directly: fan-out reads only committed changes (on PostgreSQL, not the test's own).
    message = Message.objects.create(
        endpoint=webhook,
        event="appointment.created",
        change_id=0,
        body="{}",
        created_at=timezone.now(),
    )
    return {"webhook": webhook, "webhook_message": message.pk}


def _lot_world(clinician_a) -> dict:
    """A lot, a needle, a session recorded with the lot and an adverse event of it."""
    from django.utils import timezone

    from lots.models import EquipmentKind
    from sessions import adverse_events
    from tests.sessions.lot_support import recorded_sessions
    from tests.sessions.recording_support import equipment, lot

    practice = clinician_a.practice
    box = lot(practice, clinician_a, "L-100")
    session = recorded_sessions(clinician_a, 1, "L-100")[0]
    event = adverse_events.record_adverse_event(
        actor=clinician_a,
        session_record=session,
        type="swelling",
        severity="mild",
        onset_at=timezone.now(),
        outcome="recovering",
    )
    return {
        "lot": box,
        "equipment": equipment(practice, EquipmentKind.NEEDLE, "32G 4 mm"),
        "lot_session": session,
        "adverse_event": event,
    }
