"""Safe writes (API.md, Conventions; issue 17): every appointment and course write of the
API honours If-Match (a stale one is a 412 and changes nothing; the answer carries the
object's new ETag, so writes chain) and every POST an Idempotency-Key (the same body
replays, another is a 422, one still running a 409).

The writes are walked from one table, WRITES, which is checked against the routes of
scheduling.api: a new appointment or course write fails the walk until it is listed.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse

from mesoplan import idempotency
from mesoplan.api.conditional import etag_for
from mesoplan.models import IdempotencyKey
from patients import services as patient_services
from protocols.planner import local
from scheduling import booking, day_actions, rescheduling
from scheduling.api.urls import router
from scheduling.attendance import DayAction
from scheduling.models import Appointment, AppointmentStatus, Course
from tests.concurrency import race
from tests.factories import CONSENT, ClinicianFactory, PatientFactory
from tests.test_tenancy_urls import snapshot

BERLIN = ZoneInfo("Europe/Berlin")
START = local(date(2026, 9, 9), time(10), BERLIN)  # Wednesday 9 Sep 2026, 10:00 Berlin
BOOKED = START - timedelta(days=2)  # when the world is made


@dataclass
class World:
    """Practice A's objects the writes act on: a consultation at START, a course of
    another patient, and a colleague and a ready patient for the creates."""

    clinician: object
    colleague: object
    consultation: Appointment
    course: Course
    ready_patient: object


@dataclass(frozen=True)
class Write:
    """One write of the API: its route name and method, the body it sends, the clock's
    offset from START when it is sent, and what brings the object into a state where
    it succeeds (done at `prepared_at` after START)."""

    route: str
    method: str
    body: Callable[[World], dict | None] = lambda w: None
    at: timedelta = -timedelta(days=1)
    prepare: Callable[[World], None] = lambda w: None
    prepared_at: timedelta = -timedelta(days=1)
    status: int = 200
    pk: Callable[[World], object] = lambda w: w.consultation.pk

    def __str__(self) -> str:
        return f"{self.method} {self.route}"

    @property
    def is_create(self) -> bool:
        return self.route.endswith("-list")

    def url(self, world: World) -> str:
        return reverse(self.route) if self.is_create else reverse(self.route, args=[self.pk(world)])

    def detail_url(self, world: World) -> str:
        basename = self.route.split("-")[0]
        return reverse(f"{basename}-detail", args=[self.pk(world)])


def _act(world: World, action: DayAction) -> None:
    day_actions.perform(actor=world.clinician, appointment=world.consultation, action=action)


def _new_appointment(w: World) -> dict:
    return {
        "patient": str(PatientFactory(practice=w.clinician.practice).pk),
        "clinician": str(w.colleague.pk),
        "kind": "consultation",
        "starts_at": (START + timedelta(hours=2)).isoformat(),
        "ends_at": (START + timedelta(hours=2, minutes=30)).isoformat(),
    }


def _new_course(w: World) -> dict:
    return {
        "patient": str(w.ready_patient.pk),
        "protocol": "mesolift",
        "clinician": str(w.colleague.pk),
        "start": (START + timedelta(hours=4)).isoformat(),
        "initial_interval_days": 7,
    }


def _moved(w: World) -> dict:
    return {"starts_at": (START + timedelta(hours=1)).isoformat()}


WRITES = [
    Write("appointment-list", "post", _new_appointment, status=201),
    Write("appointment-detail", "patch", _moved),
    Write(
        "appointment-detail",
        "put",
        lambda w: _moved(w) | {"ends_at": (START + timedelta(hours=1, minutes=45)).isoformat()},
    ),
    Write("appointment-cancel", "post", lambda w: {"reason": "patient_unwell"}),
    Write("appointment-check-in", "post", at=-timedelta(minutes=3)),
    Write(
        "appointment-undo-check-in",
        "post",
        at=-timedelta(minutes=2),
        prepare=lambda w: _act(w, DayAction.CHECK_IN),
        prepared_at=-timedelta(minutes=3),
    ),
    Write("appointment-no-show", "post", at=timedelta(minutes=20)),
    Write(
        "appointment-undo-no-show",
        "post",
        at=timedelta(minutes=25),
        prepare=lambda w: _act(w, DayAction.NO_SHOW),
        prepared_at=timedelta(minutes=20),
    ),
    Write("appointment-done", "post", at=timedelta(minutes=20)),
    Write("course-list", "post", _new_course, status=201),
    Write("course-end", "post", lambda w: {"reason": "Moved away"}, pk=lambda w: w.course.pk),
]
POSTS = [w for w in WRITES if w.method == "post"]
OF_ONE_OBJECT = [w for w in WRITES if not w.is_create]


def test_the_table_lists_every_appointment_and_course_write():
    """A write added to scheduling.api (an @action, a method) must be listed in WRITES."""
    routed = {
        (pattern.name, method)
        for pattern in router.urls
        for method in pattern.callback.actions
        if method in ("post", "put", "patch", "delete")
        and pattern.name.split("-")[0] in ("appointment", "course")
    }
    assert routed == {(w.route, w.method) for w in WRITES}


@pytest.fixture
def clock():
    with time_machine.travel(BOOKED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock, clinician_a, ready_patient) -> World:
    colleague = ClinicianFactory(practice=clinician_a.practice, username="colleague_a")
    other = PatientFactory(practice=clinician_a.practice, first_name="Ines")
    patient_services.create_screening(
        actor=clinician_a, patient=other, indication="skin", **CONSENT
    )
    course = booking.book_course(
        actor=clinician_a,
        patient=other,
        protocol_code="mesolift",
        clinician_id=clinician_a.pk,
        start=START + timedelta(days=1),
        initial_interval_days=7,
    ).course
    consultation = booking.book_appointment(
        actor=clinician_a,
        patient=PatientFactory(practice=clinician_a.practice),
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=START,
        ends_at=START + timedelta(minutes=30),
    )
    return World(clinician_a, colleague, consultation, course, ready_patient)


@pytest.fixture
def ready(world, clock):
    """Brings the world to where `write` succeeds and the clock to when it is sent."""

    def prepare(write: Write) -> dict | None:
        clock.move_to(START + write.prepared_at)
        write.prepare(world)
        body = write.body(world)
        clock.move_to(START + write.at)
        return body

    return prepare


def send(api, write: Write, world: World, body, **headers):
    url = write.url(world)
    return getattr(api, write.method)(url, body, format="json", **headers)


def current_etag(api, write: Write, world: World) -> str:
    response = api.get(write.detail_url(world))
    assert response.status_code == 200
    return response["ETag"]


# --- Idempotency-Key on every POST ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("write", POSTS, ids=str)
def test_every_post_replays_its_first_answer_and_does_the_work_once(api_a, world, ready, write):
    body = ready(write)
    first = send(api_a, write, world, body, HTTP_IDEMPOTENCY_KEY="once")
    assert first.status_code == write.status, first.content
    after_first = snapshot()
    again = send(api_a, write, world, body, HTTP_IDEMPOTENCY_KEY="once")
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["ETag"] == first["ETag"]
    assert snapshot() == after_first


@pytest.mark.django_db
@pytest.mark.parametrize("write", POSTS, ids=str)
def test_every_post_with_its_key_and_another_body_is_422_and_changes_nothing(
    api_a, world, ready, write
):
    body = ready(write)
    assert send(api_a, write, world, body, HTTP_IDEMPOTENCY_KEY="k").status_code == write.status
    after_first = snapshot()
    other = {**(body or {}), "note": "another request"}
    response = send(api_a, write, world, other, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "This Idempotency-Key was already used with a different request body."
    }
    assert snapshot() == after_first


@pytest.mark.django_db
@pytest.mark.parametrize("write", POSTS, ids=str)
def test_every_post_whose_key_is_still_in_flight_is_409_and_changes_nothing(
    api_a, clinician_a, world, ready, write
):
    body = ready(write)
    raw = json.dumps(body).encode() if body is not None else b""
    fingerprint = idempotency.request_fingerprint("POST", write.url(world), raw)
    idempotency.claim_key(user=clinician_a, key="busy", fingerprint=fingerprint)
    before = snapshot()
    response = send(api_a, write, world, body, HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "idempotency_in_flight"
    assert snapshot() == before
    # Once the first request is done, the key is free of the 409 (its answer replays).
    IdempotencyKey.objects.filter(key="busy").delete()
    assert send(api_a, write, world, body, HTTP_IDEMPOTENCY_KEY="busy").status_code == (
        write.status
    )


# --- If-Match on every write of one object --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("if_match", ['"stale"', 'W/"stale"', '"stale", W/"older"'])
@pytest.mark.parametrize("write", OF_ONE_OBJECT, ids=str)
def test_every_write_with_a_stale_if_match_is_412_and_changes_nothing(
    api_a, world, ready, write, if_match
):
    body = ready(write)
    before = snapshot()
    response = send(api_a, write, world, body, HTTP_IF_MATCH=if_match)
    assert response.status_code == 412, response.content
    assert response.json() == {
        "detail": "The resource has changed since you read it (If-Match does not match)."
    }
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("write", OF_ONE_OBJECT, ids=str)
def test_a_version_read_before_another_write_is_412_on_every_write(api_a, world, ready, write):
    """The ETag a client read goes stale when anyone else changes the object first."""
    body = ready(write)
    etag = current_etag(api_a, write, world)
    # Someone else's write, one a client sees: an appointment moves five minutes (for a
    # course, its last session; the course shows its sessions).
    changed = Appointment.objects.filter(pk=world.consultation.pk)
    if write.route.startswith("course"):
        changed = Appointment.objects.filter(course=world.course, sequence=8)
    five = timedelta(minutes=5)
    changed.update(starts_at=F("starts_at") + five, ends_at=F("ends_at") + five)
    before = snapshot()
    response = send(api_a, write, world, body, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("write", OF_ONE_OBJECT, ids=str)
def test_every_write_with_the_current_etag_goes_ahead_and_answers_the_new_one(
    api_a, world, ready, write
):
    body = ready(write)
    etag = current_etag(api_a, write, world)
    response = send(api_a, write, world, body, HTTP_IF_MATCH=etag)
    assert response.status_code == write.status, response.content
    assert response["ETag"] == etag_for(response.json()) != etag
    assert response["ETag"] == current_etag(api_a, write, world)


@pytest.mark.django_db
def test_a_client_chains_the_day_actions_on_the_etag_each_answer_carries(api_a, world, clock):
    url = reverse("appointment-detail", args=[world.consultation.pk])
    first = api_a.get(url)["ETag"]
    etag = first
    for offset, name, body in [
        (-timedelta(minutes=3), "check-in", None),
        (-timedelta(minutes=2), "undo-check-in", None),
        (timedelta(minutes=20), "no-show", None),
        (timedelta(minutes=21), "undo-no-show", None),
        (timedelta(minutes=22), "cancel", {"reason": "patient_unwell"}),
    ]:
        clock.move_to(START + offset)
        action = reverse(f"appointment-{name}", args=[world.consultation.pk])
        if etag != first:  # the version read at first is stale from the second step on
            assert api_a.post(action, body, format="json", HTTP_IF_MATCH=first).status_code == 412
        response = api_a.post(action, body, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200, (name, response.content)
        etag = response["ETag"]
    assert Appointment.objects.get(pk=world.consultation.pk).status == AppointmentStatus.CANCELLED
    assert api_a.get(url)["ETag"] == etag


@pytest.mark.django_db
def test_a_replayed_post_action_answers_the_etag_it_first_answered(api_a, world, clock):
    clock.move_to(START - timedelta(minutes=3))
    url = reverse("appointment-check-in", args=[world.consultation.pk])
    etag = api_a.get(reverse("appointment-detail", args=[world.consultation.pk]))["ETag"]
    first = api_a.post(url, HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY="arrive")
    # The retry's If-Match is stale by now, but it is the same request: it replays.
    again = api_a.post(url, HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY="arrive")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again["ETag"] == first["ETag"]


# --- Who may write: another practice's object is not found, before any If-Match -------


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=str)
def test_another_practice_gets_404_whatever_its_if_match_and_key(api_b, world, ready, write):
    body = ready(write)
    before = snapshot()
    response = send(
        api_b, write, world, body, HTTP_IF_MATCH='"stale"', HTTP_IDEMPOTENCY_KEY="theirs"
    )
    assert response.status_code == 404, response.content
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=str)
def test_a_network_admin_is_refused_by_role_before_if_match(
    api_for, network_admin, world, ready, write
):
    body = ready(write)
    before = snapshot()
    response = send(api_for(network_admin), write, world, body, HTTP_IF_MATCH='"stale"')
    assert response.status_code == 403
    assert snapshot() == before


# --- PostgreSQL: the races themselves -------------------------------------------------

RACES = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _status_word(response) -> str:
    if response.status_code == 201 and "Idempotent-Replayed" in response:
        return "replayed"
    return str(response.status_code)


@pytest.mark.postgres
@RACES
@pytest.mark.parametrize("write", [w for w in WRITES if w.is_create], ids=str)
@pytest.mark.parametrize("requests", [2, 8])
def test_concurrent_creates_with_one_key_make_one_object(
    api_for, clinician_a, world, ready, write, requests
):
    body = ready(write)
    model = Appointment if write.route.startswith("appointment") else Course
    existing = set(model.objects.values_list("pk", flat=True))

    def attempt(api):
        return lambda: _status_word(send(api, write, world, body, HTTP_IDEMPOTENCY_KEY="r"))

    # One client each (their token made here: get_or_create itself would race).
    outcomes = race([attempt(api_for(clinician_a)) for _ in range(requests)], {})
    assert outcomes.count("201") == 1, outcomes
    assert set(outcomes) <= {"201", "409", "replayed"}, outcomes
    made = model.objects.exclude(pk__in=existing)
    assert made.count() == 1
    if model is Course:
        assert Appointment.objects.filter(course__in=made).count() == 8


@pytest.mark.postgres
@RACES
@pytest.mark.parametrize(
    ("route", "body", "concurrent_write", "pk"),
    [
        (
            "appointment-cancel",
            {"reason": "practice"},
            lambda w: rescheduling.cancel(
                actor=w.clinician, appointment=w.consultation, reason="patient_unwell"
            ),
            lambda w: w.consultation.pk,
        ),
        (
            "course-end",
            {"reason": "Moved away"},
            lambda w: rescheduling.end_course(
                actor=w.clinician, course=w.course, reason="Pregnant"
            ),
            lambda w: w.course.pk,
        ),
    ],
)
def test_a_post_action_checks_if_match_after_a_concurrent_write_commits(
    api_for, clinician_a, world, route, body, concurrent_write, pk
):
    """Another writer holds the row: the request waits for its lock and then compares the
    version that writer committed (412). Checked without the lock, it read the old version,
    passed, and acted on a cancelled appointment (200) or an ended course (409)."""
    basename = route.split("-")[0]
    api = api_for(clinician_a)
    etag = api.get(reverse(f"{basename}-detail", args=[pk(world)]))["ETag"]
    answers = []

    def client_request():
        try:
            url = reverse(route, args=[pk(world)])
            answers.append(api.post(url, body, format="json", HTTP_IF_MATCH=etag))
        finally:
            connection.close()

    with transaction.atomic():
        concurrent_write(world)  # holds the row lock until this block commits
        request = threading.Thread(target=client_request)
        request.start()
        request.join(timeout=1.5)  # the request is waiting for the lock meanwhile
        assert request.is_alive()
    request.join()
    assert [a.status_code for a in answers] == [412]


@pytest.mark.postgres
@RACES
def test_guarded_and_unguarded_moves_of_one_course_never_deadlock(api_for, clinician_a, world):
    """A move with If-Match locks the clinician's and patient's calendars before the
    appointment's row, as the move service does: in the other order, a guarded move of
    session 2 and an unguarded one of session 3 (which session 2's move carries along)
    deadlocked, and PostgreSQL's abort of one of them was a 500."""
    second, third = world.course.appointments.filter(sequence__in=(2, 3)).order_by("sequence")
    api = api_for(clinician_a)
    etags = {
        a.pk: api.get(reverse("appointment-detail", args=[a.pk]))["ETag"] for a in (second, third)
    }

    def move(appointment, minutes, guarded):
        def attempt():
            starts = (appointment.starts_at + timedelta(minutes=minutes)).isoformat()
            headers = {"HTTP_IF_MATCH": etags[appointment.pk]} if guarded else {}
            url = reverse("appointment-detail", args=[appointment.pk])
            return str(
                api_for(clinician_a)
                .patch(url, {"starts_at": starts}, format="json", **headers)
                .status_code
            )

        return attempt

    attempts = [
        move(second, 15, guarded=True),
        move(third, 30, guarded=False),
        move(second, 30, guarded=False),
        move(third, 15, guarded=True),
    ] * 2
    outcomes = race(attempts, {})
    assert set(outcomes) <= {"200", "409", "412"}, outcomes
    assert "200" in outcomes
