"""ETag and If-Match (API.md "Concurrency"): which headers match, and the row lock that
makes the check and the write one step."""

import pytest
from rest_framework.test import APIRequestFactory, force_authenticate

from mesoplan.api.conditional import etag_for, if_match_holds
from patients.api.views import PatientViewSet
from patients.models import Patient
from scheduling.api.views import AppointmentViewSet, CourseViewSet
from tests.factories import PatientFactory

CURRENT = '"0123456789abcdef0123456789abcdef"'
OTHER = '"ffffffffffffffffffffffffffffffff"'


@pytest.mark.parametrize(
    ("header", "holds"),
    [
        (None, True),  # no precondition: the write goes ahead
        (CURRENT, True),
        (OTHER, False),
        ("*", True),  # any current version
        (" * ", True),
        (f"W/{CURRENT}", True),  # a weak tag compares by its opaque value
        (f"W/{OTHER}", False),
        (f"{CURRENT}, {OTHER}", True),  # a list holds when any of its tags matches
        (f"{OTHER}, {CURRENT}", True),
        (f"{OTHER},{CURRENT}", True),
        (f"{OTHER}, W/{CURRENT}", True),
        (f"{OTHER}, *", True),
        (f"{OTHER}, W/{OTHER}", False),
        (CURRENT.strip('"'), False),  # an unquoted value is another tag
        ("", False),
    ],
)
def test_if_match_holds(header, holds):
    assert if_match_holds(header, CURRENT) is holds


def test_etags_are_quoted_and_depend_on_content_not_key_order():
    tag = etag_for({"a": 1, "b": [1, 2]})
    assert tag == etag_for({"b": [1, 2], "a": 1})
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34
    assert etag_for({"a": 2, "b": [1, 2]}) != tag


@pytest.fixture
def patient(practice_a):
    return PatientFactory(practice=practice_a, last_name="Roth")


def url(patient):
    return f"/api/v1/patients/{patient.pk}/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "if_match",
    [
        "*",
        "W/{etag}",
        '"stale", {etag}',
        '"stale",{etag}',
        '{etag}, "stale"',
        'W/"stale", W/{etag}',
    ],
)
def test_a_patch_with_a_matching_if_match_goes_ahead(api_a, patient, if_match):
    etag = api_a.get(url(patient))["ETag"]
    header = if_match.format(etag=etag)
    response = api_a.patch(url(patient), {"last_name": "Vogt"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 200, header
    assert Patient.objects.get(pk=patient.pk).last_name == "Vogt"


@pytest.mark.django_db
@pytest.mark.parametrize("if_match", ['"stale"', 'W/"stale"', '"stale", W/"older"', ""])
def test_a_patch_with_no_matching_tag_is_412_and_changes_nothing(api_a, patient, if_match):
    response = api_a.patch(
        url(patient), {"last_name": "Vogt"}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 412
    assert response.json()["detail"] == (
        "The resource has changed since you read it (If-Match does not match)."
    )
    assert Patient.objects.get(pk=patient.pk).last_name == "Roth"


@pytest.mark.django_db
def test_a_put_is_checked_too(api_a, patient):
    body = api_a.get(url(patient)).json()
    writable = {k: body[k] for k in ("first_name", "date_of_birth", "sex", "email", "phone")}
    put = api_a.put(
        url(patient), {**writable, "last_name": "Vogt"}, format="json", HTTP_IF_MATCH='"stale"'
    )
    assert put.status_code == 412


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
def test_reads_ignore_if_match(api_a, patient, method):
    response = getattr(api_a, method)(url(patient), HTTP_IF_MATCH='"stale"')
    assert response.status_code == 200


@pytest.mark.django_db
def test_detail_answers_carry_an_etag_and_lists_none(api_a, patient):
    detail = api_a.get(url(patient))
    assert detail["ETag"] == etag_for(detail.json())
    assert "ETag" not in api_a.get("/api/v1/patients/")


def _queryset_for(viewset, method, user, detail, **headers):
    """The queryset get_object reads its row from, for a request to one of `viewset`'s
    routes (`detail` as the router sets it: True on an object's routes, None when wired
    by hand)."""
    request = getattr(APIRequestFactory(), method)("/api/v1/", **headers)
    force_authenticate(request, user=user)
    view = viewset(action_map={}, detail=detail)
    view.action, view.format_kwarg, view.kwargs = "partial_update", None, {}
    view.request = view.initialize_request(request)
    return view.filter_queryset(view.get_queryset())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewset",
    # The scheduling views read through their selectors (get_queryset without super()).
    [PatientViewSet, AppointmentViewSet, CourseViewSet],
)
@pytest.mark.parametrize(
    ("method", "if_match", "detail", "locked"),
    [
        ("patch", True, True, True),
        ("put", True, True, True),
        ("delete", True, True, True),
        ("post", True, True, True),  # an action on one object: cancel, check-in, end, ...
        ("patch", False, True, False),
        ("post", False, True, False),
        ("get", True, True, False),
        ("post", True, False, False),  # a create, on the list route
        ("post", True, None, False),  # a view wired by hand finds its object itself
    ],
)
def test_a_conditional_write_reads_the_row_under_a_lock(
    clinician_a, viewset, method, if_match, detail, locked
):
    """On PostgreSQL two writers with the same If-Match cannot both pass the check: the
    second waits for the first's row lock and then sees the new version (SQLite, which
    locks the whole database, cannot show it, so the query itself is checked; the races
    themselves are in tests/scheduling/test_safe_writes.py)."""
    headers = {"HTTP_IF_MATCH": '"x"'} if if_match else {}
    query = _queryset_for(viewset, method, clinician_a, detail, **headers).query
    assert query.select_for_update is locked
    if locked:
        assert query.select_for_update_of == ("self",)
