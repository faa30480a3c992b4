"""Outcome measures of a session: at least one value, each in its range (400 naming the
field), a clinician records them, never edited (the newest shows first)."""

import doctest

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mesoplan.errors import InvalidInput
from mesoplan.models import AuditEntry
from outcomes import measures
from outcomes.models import OutcomeMeasure
from tests.outcomes.outcome_support import recorded_session

pytestmark = pytest.mark.django_db


def test_doctests():
    assert doctest.testmod(measures).failed == 0


@pytest.fixture
def session(clinician_a):
    return recorded_session(clinician_a)


def url(session):
    return reverse("session-measures", kwargs={"appointment_pk": session.appointment_id})


def test_a_measure_is_stored_and_audited(clinician_a, session):
    measure = measures.record_measures(
        actor=clinician_a, session_record=session, gais=2, patient_rating=8
    )
    assert (measure.gais, measure.hair_density_per_cm2, measure.patient_rating) == (2, None, 8)
    entry = AuditEntry.objects.get(action="measure.record")
    assert entry.patient_id == session.patient_id and entry.summary == "gais 2, patient_rating 8"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"gais": 0}, "gais"),
        ({"gais": 6}, "gais"),
        ({"hair_density_per_cm2": 0}, "hair_density_per_cm2"),
        ({"hair_density_per_cm2": 1001}, "hair_density_per_cm2"),
        ({"patient_rating": -1}, "patient_rating"),
        ({"patient_rating": 11}, "patient_rating"),
        ({}, "non_field_errors"),
    ],
)
def test_out_of_range_or_nothing_is_refused_naming_the_field(clinician_a, session, values, field):
    with pytest.raises(InvalidInput) as caught:
        measures.record_measures(actor=clinician_a, session_record=session, **values)
    assert list(caught.value.errors) == [field]
    assert not OutcomeMeasure.objects.exists()


@pytest.fixture
def hair_session(clinician_a):
    return recorded_session(clinician_a, protocol="mesohair")


@pytest.mark.parametrize(
    "values",
    [
        {"gais": 1},
        {"gais": 5},
        {"hair_density_per_cm2": 1},
        {"hair_density_per_cm2": 1000},
        {"patient_rating": 0},
        {"patient_rating": 10},
    ],
)
def test_the_ends_of_each_range_are_accepted(clinician_a, hair_session, values):
    measures.record_measures(actor=clinician_a, session_record=hair_session, **values)


def test_hair_density_is_refused_on_a_skin_session_naming_the_field(clinician_a, session):
    assert session.formulation.indication == "skin"
    with pytest.raises(InvalidInput) as caught:
        measures.record_measures(
            actor=clinician_a, session_record=session, gais=2, hair_density_per_cm2=140
        )
    assert caught.value.errors == {"hair_density_per_cm2": [measures.NOT_ON_SKIN]}
    assert not OutcomeMeasure.objects.exists()


def test_a_hair_session_takes_hair_density(clinician_a, hair_session):
    measure = measures.record_measures(
        actor=clinician_a, session_record=hair_session, hair_density_per_cm2=140
    )
    assert measure.hair_density_per_cm2 == 140


def test_an_empty_entry_of_a_skin_session_names_only_its_measures(clinician_a, session):
    with pytest.raises(InvalidInput) as caught:
        measures.record_measures(actor=clinician_a, session_record=session)
    assert caught.value.errors == {
        "non_field_errors": ["Record at least one measure: GAIS or the patient rating."]
    }


def test_a_manager_records_no_measure(manager_a, session):
    with pytest.raises(PermissionDenied):
        measures.record_measures(actor=manager_a, session_record=session, gais=3)


def test_api_records_and_lists_newest_first(api_a, api_for, manager_a, session):
    first = api_a.post(url(session), {"gais": 3}, format="json")
    second = api_a.post(url(session), {"gais": 2, "patient_rating": 9}, format="json")
    assert first.status_code == second.status_code == 201
    assert second.json()["recorded_by"] == "Lena " + session.performed_by.last_name
    listed = api_for(manager_a).get(url(session)).json()
    assert [m["id"] for m in listed["results"]] == [second.json()["id"], first.json()["id"]]
    assert listed["next"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"gais": 6}, "gais"),
        ({"patient_rating": 11}, "patient_rating"),
        ({"hair_density_per_cm2": 0}, "hair_density_per_cm2"),
        ({}, "non_field_errors"),
        ({"gais": None, "patient_rating": None}, "non_field_errors"),
        ({"gais": "x"}, "gais"),
        ({"gais": 3, "weight": 70}, "weight"),
    ],
)
def test_api_answers_400_naming_the_field(api_a, session, body, field):
    response = api_a.post(url(session), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not OutcomeMeasure.objects.exists()


def test_api_refuses_hair_density_on_a_skin_session_and_takes_it_on_a_hair_one(
    api_a, session, hair_session
):
    skin = api_a.post(url(session), {"gais": 2, "hair_density_per_cm2": 140}, format="json")
    assert skin.status_code == 400
    assert skin.json()["hair_density_per_cm2"] == [measures.NOT_ON_SKIN]
    assert not OutcomeMeasure.objects.exists()
    hair = api_a.post(url(hair_session), {"hair_density_per_cm2": 140}, format="json")
    assert hair.status_code == 201 and hair.json()["hair_density_per_cm2"] == 140


def test_api_refuses_a_manager_and_a_stranger(api_for, manager_a, api_b, session):
    assert api_for(manager_a).post(url(session), {"gais": 3}, format="json").status_code == 403
    assert api_b.post(url(session), {"gais": 3}, format="json").status_code == 404
    assert api_b.get(url(session)).status_code == 404
    assert not OutcomeMeasure.objects.exists()


def test_api_list_costs_the_same_at_any_size(
    api_a, clinician_a, session, django_assert_max_num_queries
):
    def make(count):
        for _ in range(count):
            measures.record_measures(actor=clinician_a, session_record=session, gais=3)

    make(2)
    api_a.get(url(session))
    with django_assert_max_num_queries(10) as small:
        api_a.get(url(session))
    make(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api_a.get(url(session)).json()["results"]) == 32
