"""The browser side of outcomes: the `{% session_outcomes %}` section with its forms, the
`{% course_survey %}` section of the course page, the survey link page."""

import re

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from mesoplan.models import AuditEntry
from outcomes import measures, photos
from outcomes.models import OutcomeMeasure, Photo, Survey, SurveyLink
from outcomes.views import SESSION_PAGE
from tests.factories import ClinicianFactory
from tests.outcomes.outcome_support import consent, image_bytes, recorded_session, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(clinician_a):
    return recorded_session(clinician_a)


def outcomes_page(session):
    return reverse("calendar:session", kwargs={"pk": session.appointment_id})


def back_to_session(session):
    return reverse(SESSION_PAGE, kwargs={"pk": session.appointment_id}) + "#outcomes"


def test_the_tag_renders_on_any_page_with_the_session(rf_user_context, session):
    html = Template("{% load outcomes %}{% session_outcomes session %}").render(
        rf_user_context(session=session)
    )
    assert 'id="outcomes"' in html and "No measures recorded." in html
    assert "Record measures" in html
    assert "No consent to photography is recorded" in html  # no upload form without it


@pytest.fixture
def rf_user_context(clinician_a):
    def make(**values):
        request = RequestFactory().get("/")
        request.user = clinician_a
        return Context({"request": request, "csrf_token": "x", **values})

    return make


def test_a_clinician_records_measures_and_sees_the_newest(browser_a, session):
    url = reverse("calendar:session-measures", kwargs={"record_pk": session.pk})
    response = browser_a.post(url, {"measure-gais": "3", "measure-patient_rating": "7"})
    assert response.status_code == 302 and response["Location"] == back_to_session(session)
    browser_a.post(url, {"measure-gais": "2", "measure-patient_rating": ""})
    html = browser_a.get(outcomes_page(session)).content.decode()
    assert "2 · Very improved" in html
    assert "Earlier entries (1)" in html
    assert OutcomeMeasure.objects.count() == 2


def test_an_empty_or_out_of_range_entry_comes_back_as_a_message(browser_a, session):
    url = reverse("calendar:session-measures", kwargs={"record_pk": session.pk})
    empty = browser_a.post(url, {"measure-gais": ""})
    assert [str(m) for m in get_messages(empty.wsgi_request)] == [
        "Measures not recorded. Record at least one measure: GAIS or the patient rating."
    ]
    high = browser_a.post(url, {"measure-patient_rating": "12"})
    assert "0 (worst) to 10 (best)" in str(list(get_messages(high.wsgi_request))[-1])
    assert not OutcomeMeasure.objects.exists()


def test_a_clinician_adds_a_photo_and_sees_its_thumbnail(browser_a, clinician_a, session):
    consent(clinician_a, session.patient)
    html = browser_a.get(outcomes_page(session)).content.decode()
    assert (
        'enctype="multipart/form-data"' in html
        and 'accept="image/jpeg,image/png,image/webp"' in html
    )
    url = reverse("calendar:session-photo-add", kwargs={"record_pk": session.pk})
    response = browser_a.post(
        url,
        {"photo-phase": "before", "photo-region": "forehead", "photo-image": upload(image_bytes())},
    )
    assert response.status_code == 302 and response["Location"] == back_to_session(session)
    photo = Photo.objects.get()
    html = browser_a.get(outcomes_page(session)).content.decode()
    src = reverse("photo", kwargs={"pk": photo.pk})
    assert f'<img src="{src}"' in html and 'alt="Before photo, Forehead,' in html
    assert "/media/" not in html and photo.image.name not in html


def test_a_refused_photo_comes_back_as_a_message(browser_a, clinician_a, session):
    consent(clinician_a, session.patient)
    url = reverse("calendar:session-photo-add", kwargs={"record_pk": session.pk})
    response = browser_a.post(
        url, {"photo-phase": "before", "photo-image": upload(b"text" * 50, name="x.jpg")}
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Photo not added. This is not a JPEG, PNG or WebP image that can be read."]
    consent(clinician_a, session.patient, given=False)
    response = browser_a.post(url, {"photo-phase": "before", "photo-image": upload(image_bytes())})
    assert "consent" in str(list(get_messages(response.wsgi_request))[-1])
    assert not Photo.objects.exists()


def test_a_hair_course_shows_the_density_field_and_scalp_regions(browser_a, clinician_a):
    session = recorded_session(clinician_a, protocol="mesohair")
    consent(clinician_a, session.patient)
    html = browser_a.get(outcomes_page(session)).content.decode()
    assert (
        "Hair density (hairs/cm²)" in html
        and '<details class="small"><summary>Hair density' not in html
    )
    regions = re.findall(r'<option value="([a-z_]+)"', html)
    assert "scalp_vertex" in regions and "forehead" not in regions


def test_a_skin_session_offers_no_hair_density_and_refuses_one_sent(browser_a, session):
    html = browser_a.get(outcomes_page(session)).content.decode()
    assert "Record measures" in html and "Hair density" not in html
    url = reverse("calendar:session-measures", kwargs={"record_pk": session.pk})
    response = browser_a.post(url, {"measure-gais": "2", "measure-hair_density_per_cm2": "140"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Measures not recorded. " + measures.NOT_ON_SKIN
    ]
    assert not OutcomeMeasure.objects.exists()


def test_a_density_stored_on_a_skin_session_before_the_rule_is_still_shown(
    browser_a, clinician_a, session
):
    OutcomeMeasure.objects.create(
        session_record=session, recorded_by=clinician_a, gais=3, hair_density_per_cm2=140
    )
    html = browser_a.get(outcomes_page(session)).content.decode()
    assert "<dt>Hair density</dt><dd>140 hairs/cm²</dd>" in html
    assert 'name="measure-hair_density_per_cm2"' not in html  # still not offered


def test_a_manager_sees_outcomes_without_forms(client, manager_a, clinician_a, session):
    consent(clinician_a, session.patient)
    measures.record_measures(actor=clinician_a, session_record=session, gais=1)
    photos.add_photo(
        actor=clinician_a, session_record=session, phase="after", upload=upload(image_bytes())
    )
    client.force_login(manager_a)
    html = client.get(outcomes_page(session)).content.decode()
    assert "1 · Exceptional improvement" in html and "<img" in html
    assert "Record measures" not in html and "Add photo" not in html
    for name in ("calendar:session-measures", "calendar:session-photo-add"):
        url = reverse(name, kwargs={"record_pk": session.pk})
        assert client.post(url, {"measure-gais": "2"}).status_code == 403


def test_the_section_costs_the_same_at_any_number_of_entries(
    browser_a, clinician_a, session, django_assert_max_num_queries
):
    consent(clinician_a, session.patient)

    def make(count):
        for _ in range(count):
            measures.record_measures(actor=clinician_a, session_record=session, gais=3)
            photos.add_photo(
                actor=clinician_a,
                session_record=session,
                phase="after",
                upload=upload(image_bytes()),
            )

    make(1)
    browser_a.get(outcomes_page(session))
    with django_assert_max_num_queries(20) as small:
        browser_a.get(outcomes_page(session))
    make(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = browser_a.get(outcomes_page(session)).content.decode()
    assert html.count('<img src="/photos/') == 9 and "Earlier entries (8)" in html


# --- The course page's survey ---------------------------------------------------------
def course_page(course):
    return reverse("courses:detail", kwargs={"pk": course.pk})


def test_the_course_page_offers_the_survey_once_a_session_is_recorded(browser_a, clinician_a):
    from tests.sessions.recording_support import booked_course

    course = booked_course(clinician_a)
    html = browser_a.get(course_page(course)).content.decode()
    assert "taken once a session of this course is recorded" in html
    assert "Hand out a survey link" not in html
    course = recorded_session(clinician_a, course=course).course
    html = browser_a.get(course_page(course)).content.decode()
    assert "Record the answer" in html and "Hand out a survey link" in html


def test_the_practice_enters_the_answer_on_the_course_page(browser_a, session):
    course = session.course
    url = reverse("courses:survey", kwargs={"pk": course.pk})
    response = browser_a.post(url, {"rating": "very_satisfied", "comment": "Radiant"})
    assert response.status_code == 302 and response["Location"].endswith("#survey")
    html = browser_a.get(course_page(course)).content.decode()
    assert "rating--very_satisfied" in html and "Radiant" in html
    assert "Record the answer" not in html
    again = browser_a.post(url, {"rating": "satisfied"})
    assert "already has its survey" in str(list(get_messages(again.wsgi_request))[-1])
    assert Survey.objects.count() == 1


def test_the_link_page_shows_the_url_with_a_qr_code_after_a_redirect(browser_a, client, session):
    course = session.course
    page = reverse("courses:survey-link", kwargs={"pk": course.pk})
    response = browser_a.post(page)
    assert (response.status_code, response["Location"]) == (302, page)
    html = browser_a.get(page).content.decode()
    url = re.search(r'value="(http://testserver/survey/[^"]+)"', html).group(1)
    reloaded = browser_a.get(page).content.decode()  # Reload: the same link, no new one
    assert re.search(r'value="(http://testserver/survey/[^"]+)"', reloaded).group(1) == url
    assert "<svg" in html and "QR code of the survey link" in html
    assert 'style="' not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # CSP: no inline style
    assert SurveyLink.objects.count() == 1
    assert url.rsplit("/", 2)[-2] not in SurveyLink.objects.get().token_hash
    assert client.get(url).status_code == 200


def test_the_course_survey_section_costs_three_queries(
    rf_user_context, session, django_assert_num_queries
):
    template = Template("{% load outcomes %}{% course_survey course %}")
    with django_assert_num_queries(3):  # the survey, a recorded session, an open link
        template.render(rf_user_context(course=session.course))


def test_one_link_per_course_until_it_is_replaced(browser_a, client, clinician_a, session):
    course = session.course
    page = reverse("courses:survey-link", kwargs={"pk": course.pk})
    browser_a.post(page)
    first = re.search(r'/survey/([^"/]+)/"', browser_a.get(page).content.decode()).group(1)
    browser_a.post(page)  # a second submit (Back, then the button again) makes none
    assert SurveyLink.objects.count() == 1
    colleague = Client()
    colleague.force_login(ClinicianFactory(practice=clinician_a.practice))
    other = colleague.get(page).content.decode()
    assert "A link is out" in other and first not in other  # the token is not shown
    colleague.post(page, {"replace": "1"})
    assert SurveyLink.objects.filter(revoked_at__isnull=True).count() == 1
    gone = client.get(f"/survey/{first}/")
    assert gone.status_code == 410 and "This link was replaced" in gone.content.decode()
    assert AuditEntry.objects.filter(action="survey_link.revoke").count() == 1
