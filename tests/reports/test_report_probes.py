"""Hostile report requests (POST /api/v1/reports/): every one a 400 naming the field, or
the root guard's 400/413, and no build written. The parser-level classes (nesting,
NUL, lone surrogates, the size limit) are tested for every endpoint in
tests/test_bad_input_classes.py; here only that they reach the reports' endpoint too,
and what is the reports' own: the filters' values, types, ranges and scope."""

import json

import pytest
from django.conf import settings

from reports.models import Report
from tests.factories import NetworkFactory, PracticeFactory
from tests.reports.test_reports_api import URL

pytestmark = pytest.mark.django_db


def post_raw(client, raw: str):
    return client.generic(
        "POST", URL, raw.encode("utf-8", "surrogatepass"), content_type="application/json"
    )


@pytest.fixture
def api_manager(api_for, manager_a):
    return api_for(manager_a)


@pytest.mark.parametrize(
    "raw",
    [
        '{"kind": "meso_report", "sex": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"kind": "meso_report", "sex": "\\ud800"}',
        '{"kind": "meso_report", "\\udfff": "female"}',
        '{"kind": "meso_report", "protocol": "meso\\u0000lift"}',
        '{"kind": "meso_report", "from": "2026-01-01\\u0000"}',
        '{"kind\\u0000": "meso_report"}',
    ],
    ids=["deep-nesting", "surrogate-value", "surrogate-key", "nul-value", "nul-date", "nul-key"],
)
def test_parser_level_junk_is_refused_before_the_filters(api_manager, raw):
    answer = post_raw(api_manager, raw)
    assert answer.status_code == 400, answer.content
    assert not Report.objects.exists()


def test_a_body_over_the_limit_is_413(api_manager):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024
    raw = json.dumps({"kind": "meso_report", "target": "x" * (2 * 1024 * 1024)})
    answer = post_raw(api_manager, raw)
    assert answer.status_code == 413, answer.status_code
    assert not Report.objects.exists()


def test_a_long_value_under_the_limit_is_a_field_error(api_manager):
    answer = api_manager.post(URL, {"kind": "meso_report", "target": "x" * 500_000}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["target"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("raw", ["[]", '[{"kind": "meso_report"}]', "42", '"meso_report"', "null"])
def test_a_body_that_is_not_an_object_is_400(api_manager, raw):
    answer = post_raw(api_manager, raw)
    assert answer.status_code == 400, answer.content
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_sessions", 10**100),
        ("min_sessions", -(10**30)),
        ("min_sessions", "9" * 5000),
        ("min_sessions", "٣"),  # a digit, but not ASCII
        ("min_sessions", " 3"),
        ("min_sessions", 2.5),
        ("min_sessions", 0),
        ("from", "2015-02-30"),
        ("from", "99999-01-01"),
        ("to", "1999-12-31"),
        ("to", "2101-01-01"),
        ("from", "2015-1-1"),
        ("from", 20150101),
        ("to", "2015-02-28T00:00:00"),
    ],
)
def test_numbers_and_dates_out_of_range_or_shape_are_field_errors(api_manager, field, value):
    answer = api_manager.post(URL, {"kind": "meso_report", field: value}, format="json")
    assert answer.status_code == 400, answer.content
    assert list(answer.json()) == [field]
    assert not Report.objects.exists()


WRONG_TYPES = [1, 2.5, True, ["female"], {"value": "female"}]
FILTERS = ("practice", "from", "to", "protocol", "target", "sex", "age_band", "lot")


@pytest.mark.parametrize("field", FILTERS)
@pytest.mark.parametrize("value", WRONG_TYPES, ids=["int", "float", "bool", "list", "object"])
def test_a_filter_of_the_wrong_type_is_a_field_error(api_manager, field, value):
    answer = api_manager.post(URL, {"kind": "meso_report", field: value}, format="json")
    assert answer.status_code == 400, answer.content
    assert list(answer.json()) == [field]
    assert isinstance(answer.json()[field][0], str)
    assert not Report.objects.exists()


@pytest.mark.parametrize("value", [1, ["meso_report"], {"x": 1}, "MESO_REPORT", "x" * 10_000])
def test_a_kind_of_the_wrong_type_or_value_is_a_field_error(api_manager, value):
    answer = api_manager.post(URL, {"kind": value}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["kind"]
    assert not Report.objects.exists()


def test_an_unknown_filter_name_is_echoed_only_short_and_clean(api_manager):
    answer = api_manager.post(URL, {"kind": "meso_report", "x" * 5000: 1}, format="json")
    assert answer.status_code == 400
    (name,) = answer.json()
    assert name == "x" * 64
    assert not Report.objects.exists()


def _other_practices(practice_a):
    other_network = PracticeFactory(network=NetworkFactory(name="Other network"))
    same_network = PracticeFactory(network=practice_a.network)
    return other_network, same_network


def test_a_practice_from_another_network_or_practice_is_unknown_to_a_manager(
    api_manager, practice_a
):
    other_network, same_network = _other_practices(practice_a)
    answers = [
        api_manager.post(URL, {"kind": "meso_report", "practice": str(pk)}, format="json")
        for pk in (other_network.pk, same_network.pk, "00000000-0000-0000-0000-000000000000")
    ]
    assert [a.status_code for a in answers] == [400, 400, 400]
    # The same words for a practice that exists elsewhere and one that exists nowhere.
    assert {json.dumps(a.json()) for a in answers} == {
        json.dumps({"practice": ["No such practice."]})
    }
    assert not Report.objects.exists()


def test_a_practice_from_another_network_is_unknown_to_a_network_admin(
    api_for, network_admin, practice_a
):
    other_network, same_network = _other_practices(practice_a)
    api = api_for(network_admin)
    refused = api.post(
        URL, {"kind": "meso_report", "practice": str(other_network.pk)}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json() == {"practice": ["No such practice."]}
    assert not Report.objects.exists()
    # A member practice is a filter the network admin may use (the control).
    allowed = api.post(
        URL, {"kind": "meso_report", "practice": str(same_network.pk)}, format="json"
    )
    assert allowed.status_code == 202


def test_a_lot_of_another_practice_is_unknown(api_manager, manager_b):
    from tests.sessions.recording_support import lot

    theirs = lot(manager_b.practice, manager_b, "L-OTHER")
    answer = api_manager.post(URL, {"kind": "meso_report", "lot": str(theirs.pk)}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"lot": ["No such lot."]}
    assert not Report.objects.exists()
