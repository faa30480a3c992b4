"""The satisfaction survey: one per course once a session is recorded, entered by the
practice or answered by the patient through a one-time link (expires, answers once,
shows only the question and the practice's name, names its own course)."""

import doctest
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mesoplan.errors import Conflict
from mesoplan.models import AuditEntry, IdempotencyKey
from outcomes import surveys
from outcomes.models import Survey, SurveyLink
from tests.concurrency import race
from tests.outcomes.outcome_support import recorded_session
from tests.sessions.recording_support import booked_course

pytestmark = pytest.mark.django_db


def test_doctests():
    assert doctest.testmod(surveys).failed == 0


@pytest.fixture
def course(clinician_a):
    return recorded_session(clinician_a).course


def survey_url(course):
    return reverse("course-survey", kwargs={"course_pk": course.pk})


def link_url(course):
    return reverse("course-survey-link", kwargs={"course_pk": course.pk})


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


# --- Entered by the practice ------------------------------------------------------------
def test_api_enters_reads_and_refuses_a_second(api_a, course):
    assert api_a.get(survey_url(course)).status_code == 404
    created = api_a.post(
        survey_url(course), {"rating": "very_satisfied", "comment": "Skin glows"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["rating"], body["comment"], body["source"]) == (
        "very_satisfied",
        "Skin glows",
        "clinician",
    )
    assert api_a.get(survey_url(course)).json() == body
    second = api_a.post(survey_url(course), {"rating": "satisfied"}, format="json")
    assert second.status_code == 409 and second.json()["code"] == "survey_exists"
    assert Survey.objects.count() == 1
    assert AuditEntry.objects.filter(action="survey.record").count() == 1


def test_before_any_recorded_session_it_is_a_409(api_a, clinician_a):
    course = booked_course(clinician_a)
    response = api_a.post(survey_url(course), {"rating": "satisfied"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "no_session_recorded"
    link = api_a.post(link_url(course), format="json")
    assert link.status_code == 409 and link.json()["code"] == "no_session_recorded"
    assert not Survey.objects.exists() and not SurveyLink.objects.exists()


def test_a_manager_enters_it_too_a_stranger_finds_no_course(api_for, manager_a, api_b, course):
    assert api_b.post(survey_url(course), {"rating": "satisfied"}, format="json").status_code == 404
    assert api_b.get(survey_url(course)).status_code == 404
    response = api_for(manager_a).post(survey_url(course), {"rating": "satisfied"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": "happy"}, "rating"),
        ({}, "rating"),
        ({"rating": "satisfied", "comment": "x" * 2001}, "comment"),
        ({"rating": "satisfied", "score": 3}, "score"),
    ],
)
def test_bad_answers_are_a_400_naming_the_field(api_a, course, body, field):
    response = api_a.post(survey_url(course), body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_the_database_keeps_one_survey_per_course_when_the_check_is_raced(clinician_a, course):
    # A racer that passed the check before this one committed: the OneToOne decides.
    Survey.objects.create(course=course, rating="satisfied", source="clinician")
    with pytest.raises(Conflict) as caught:
        surveys._create(course, "very_satisfied", "", "clinician", clinician_a)
    assert caught.value.code == "survey_exists"
    assert Survey.objects.count() == 1


# --- The one-time link ------------------------------------------------------------------
@pytest.fixture
def link(api_a, course):
    response = api_a.post(link_url(course), format="json")
    assert response.status_code == 201
    return response.json()


def test_a_link_is_shown_once_and_only_its_hash_is_kept(api_a, course, link, settings):
    token = token_of(link["url"])
    assert link["url"].startswith("http://testserver/survey/")
    stored = SurveyLink.objects.get()
    assert stored.token_hash == surveys.token_hash(token) and token not in stored.token_hash
    expected = timezone.now() + timedelta(days=settings.SURVEY_LINK_DAYS)
    assert abs(stored.expires_at - expected) < timedelta(minutes=1)
    # Not even an Idempotency-Key replay may keep it: the link endpoint takes none. A
    # course has one open link: the retry is a 409, a replacement revokes the first.
    again = api_a.post(link_url(course), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 409 and again.json()["code"] == "link_out"
    assert not IdempotencyKey.objects.exists()
    new = api_a.post(link_url(course), {"replace": True}, format="json")
    assert new.status_code == 201 and token_of(new.json()["url"]) != token
    assert AuditEntry.objects.filter(action="survey_link.create").count() == 2
    assert SurveyLink.objects.get(pk=stored.pk).revoked_at is not None


def test_the_public_page_shows_only_the_question_and_the_practice(client, course, link):
    response = client.get(link["url"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Practice A" in html
    assert "How satisfied are you with the result of your treatment?" in html
    patient = course.patient
    for secret in (patient.first_name, patient.last_name, patient.email, "MesoLift", "Lena"):
        assert secret not in html
    assert 'name="robots" content="noindex, nofollow"' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"  # the token never leaves the site
    assert "no-store" in response["Cache-Control"]


def test_the_patient_answers_once(client, course, link):
    response = client.post(link["url"], {"rating": "satisfied", "comment": "Good"})
    assert response.status_code == 302  # Reload of the thank-you page sends nothing again
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and b"Thank you" in thanks.content
    assert b"Practice A" in thanks.content
    survey = Survey.objects.get()
    assert (survey.course_id, survey.rating, survey.source, survey.entered_by) == (
        course.pk,
        "satisfied",
        "patient_link",
        None,
    )
    assert SurveyLink.objects.get().used_at is not None
    again = client.post(link["url"], {"rating": "less_satisfied"})
    assert again.status_code == 410 and b"already" in again.content
    assert client.get(link["url"]).status_code == 410
    assert Survey.objects.get().rating == "satisfied"
    entry = AuditEntry.objects.get(action="survey.record")
    assert entry.practice_id == course.patient.practice_id and "patient" in entry.summary


def test_an_expired_link_is_gone(client, link, settings):
    later = timezone.now() + timedelta(days=settings.SURVEY_LINK_DAYS, minutes=1)
    with time_machine.travel(later):
        assert client.get(link["url"]).status_code == 410
        response = client.post(link["url"], {"rating": "satisfied"})
    assert response.status_code == 410 and b"expired" in response.content
    assert not Survey.objects.exists()


def test_an_unknown_token_is_a_404_that_names_nothing(client, link):
    for method in (client.get, client.post):
        response = method(reverse("survey-answer", kwargs={"token": "not-a-token"}))
        assert response.status_code == 404
        assert b"Practice A" not in response.content
    assert not Survey.objects.exists()


def test_a_link_answers_its_own_course_only(api_a, client, clinician_a, course, link):
    other = recorded_session(clinician_a).course
    other_link = api_a.post(link_url(other), format="json").json()
    client.post(other_link["url"], {"rating": "less_satisfied"})
    assert Survey.objects.get().course_id == other.pk
    client.post(link["url"], {"rating": "very_satisfied"})
    assert dict(Survey.objects.values_list("course_id", "rating")) == {
        other.pk: "less_satisfied",
        course.pk: "very_satisfied",
    }


def test_a_survey_entered_by_the_practice_closes_the_link(api_a, client, course, link):
    api_a.post(survey_url(course), {"rating": "satisfied"}, format="json")
    assert client.get(link["url"]).status_code == 410
    response = client.post(link["url"], {"rating": "less_satisfied"})
    assert response.status_code == 410
    assert Survey.objects.get().source == "clinician"
    # ... and once it exists, no new link is made.
    made = api_a.post(link_url(course), format="json")
    assert made.status_code == 409 and made.json()["code"] == "survey_exists"


def test_a_missing_rating_shows_the_form_again(client, link):
    response = client.post(link["url"], {"comment": "forgot"})
    assert response.status_code == 400 and b"One answer needs attention" in response.content
    assert b"This field is required" in response.content
    assert not Survey.objects.exists()


def test_the_public_form_is_csrf_protected(link):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(link["url"], {"rating": "satisfied"}).status_code == 403
    page = browser.get(link["url"])
    token = page.cookies["csrftoken"].value
    answered = browser.post(link["url"], {"rating": "satisfied", "csrfmiddlewaretoken": token})
    assert answered.status_code == 302
    assert Survey.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submits_of_one_link_at_once_store_one_survey(clinician_a):
    course = recorded_session(clinician_a).course
    handed_out = surveys.hand_out_link(actor=clinician_a, course=course)

    def submit():
        surveys.answer_link(token=handed_out.token, rating="satisfied")
        return "stored"

    outcomes = race([submit] * 8, {surveys.LinkGone: "gone"})
    assert sorted(outcomes) == ["gone"] * 7 + ["stored"]
    assert Survey.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_practice_and_the_patient_at_once_store_one_survey(clinician_a):
    course = recorded_session(clinician_a).course
    handed_out = surveys.hand_out_link(actor=clinician_a, course=course)

    def practice():
        surveys.record_survey(actor=clinician_a, course=course, rating="satisfied")
        return "practice"

    def patient():
        surveys.answer_link(token=handed_out.token, rating="very_satisfied")
        return "patient"

    outcomes = race([practice, patient], {Conflict: "conflict", surveys.LinkGone: "gone"})
    assert sorted(outcomes) in (["gone", "practice"], ["conflict", "patient"])
    assert Survey.objects.count() == 1


def test_a_link_request_with_fields_is_refused(api_a, course):
    response = api_a.post(link_url(course), {"x": 1}, format="json")
    assert response.status_code == 400 and response.json() == {"x": ["Unknown field."]}
    assert not SurveyLink.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_links_asked_at_once_make_one(clinician_a):
    course = recorded_session(clinician_a).course

    def hand_out():
        surveys.hand_out_link(actor=clinician_a, course=course)
        return "made"

    outcomes = race([hand_out] * 20, {Conflict: "out"})
    assert sorted(outcomes) == ["made"] + ["out"] * 19
    assert SurveyLink.objects.filter(course=course, revoked_at__isnull=True).count() == 1
