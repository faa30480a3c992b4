"""Conditional GET of the calendar feeds: a calendar app that polls gets a 304 while
nothing changed (If-None-Match with the ETag, or If-Modified-Since with Last-Modified,
to the second), a 200 as soon as something did; If-None-Match decides when both come;
the answers stay private and uncached (patient data), their validators with them."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils.http import http_date

from scheduling.conditional_feed import is_not_modified
from tests.factories import ClinicianFactory
from tests.scheduling import feed_support as feed

pytestmark = pytest.mark.django_db

LATER = feed.NOW + timedelta(minutes=5)


def get(api, clinician, when=LATER, **headers):
    with feed.at(when):
        return api.get(feed.ics_url(clinician), **headers)


@pytest.fixture
def booked(clinician_a, ready_patient):
    """Two appointments, the newer changed at 08:00:00.7 (a sub-second updated_at)."""
    first = feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=3))
    second = feed.appointment(
        clinician_a,
        ready_patient,
        feed.NOW + timedelta(days=4),
        made=feed.NOW + timedelta(milliseconds=700),
    )
    return first, second


def assert_private(response) -> None:
    assert {"no-store", "private"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


def test_if_none_match_with_the_feeds_etag_answers_304_with_its_validators(
    api_a, clinician_a, booked
):
    full = get(api_a, clinician_a)
    assert full.status_code == 200 and full["Content-Type"].startswith("text/calendar")
    etag = full["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    assert_private(full)
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = get(api_a, clinician_a, HTTP_IF_NONE_MATCH=sent)
        assert cached.status_code == 304, sent
        assert cached.content == b""
        # The guard's no-store left the validators in place: the next poll can use them.
        assert cached["ETag"] == etag and cached["Last-Modified"] == full["Last-Modified"]
        assert_private(cached)
    assert get(api_a, clinician_a, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_if_modified_since_the_second_of_last_modified_answers_304(api_a, clinician_a, booked):
    """Last-Modified is the newest change, 08:00:00.7, to the second: Apple's Calendar
    sends it back, and the 0.7 s the header cannot carry do not make it a 200."""
    full = get(api_a, clinician_a)
    assert full["Last-Modified"] == "Tue, 01 Sep 2026 08:00:00 GMT"
    cached = get(api_a, clinician_a, HTTP_IF_MODIFIED_SINCE=full["Last-Modified"])
    assert cached.status_code == 304 and cached["ETag"] == full["ETag"]
    later = http_date((feed.NOW + timedelta(hours=1)).timestamp())
    assert get(api_a, clinician_a, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    earlier = "Tue, 01 Sep 2026 07:59:59 GMT"
    assert get(api_a, clinician_a, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    assert get(api_a, clinician_a, HTTP_IF_MODIFIED_SINCE="yesterday").status_code == 200


def test_if_none_match_decides_when_both_are_sent(api_a, clinician_a, booked):
    """RFC 9110 13.2.2: If-Modified-Since is ignored when If-None-Match is sent."""
    full = get(api_a, clinician_a)
    current, stale = full["Last-Modified"], "Tue, 01 Sep 2026 07:00:00 GMT"
    both = {"HTTP_IF_NONE_MATCH": '"old"', "HTTP_IF_MODIFIED_SINCE": current}
    assert get(api_a, clinician_a, **both).status_code == 200
    both = {"HTTP_IF_NONE_MATCH": full["ETag"], "HTTP_IF_MODIFIED_SINCE": stale}
    assert get(api_a, clinician_a, **both).status_code == 304


@pytest.mark.parametrize("change", ["move", "cancel", "new", "beyond the window"])
def test_a_change_answers_200_to_both_old_validators(
    api_a, clinician_a, ready_patient, booked, change
):
    first, _ = booked
    before = get(api_a, clinician_a)
    when = LATER + timedelta(minutes=1)
    if change == "move":
        feed.move(first, timedelta(hours=2), when=when)
    elif change == "cancel":
        feed.cancel(first, when=when)
    elif change == "new":
        feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=9), made=when)
    else:  # out of the feed: its subscribers must drop it
        feed.move(first, timedelta(days=800), when=when)
    after = LATER + timedelta(minutes=5)
    for header, value in (
        ("HTTP_IF_NONE_MATCH", before["ETag"]),
        ("HTTP_IF_MODIFIED_SINCE", before["Last-Modified"]),
    ):
        response = get(api_a, clinician_a, after, **{header: value})
        assert response.status_code == 200, (change, header)
        assert response["ETag"] != before["ETag"]
    assert response["Last-Modified"] == http_date(when.timestamp())
    # ... and the new validators are a 304 again.
    assert get(api_a, clinician_a, after, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_change_in_the_second_a_feed_was_read_is_not_hidden_from_it(
    api_a, clinician_a, ready_patient, booked
):
    """Last-Modified has whole seconds, and a write stamps updated_at before it commits:
    a feed read at 08:05:00.2 must not carry a Last-Modified that a change stamped
    08:05:00.1 and committed at 08:05:00.3 falls within."""
    first, _ = booked
    feed.move(first, timedelta(hours=1), when=LATER + timedelta(milliseconds=100))
    read = get(api_a, clinician_a, LATER + timedelta(milliseconds=200))
    assert read["Last-Modified"] == "Tue, 01 Sep 2026 08:04:00 GMT"  # a minute to settle
    feed.appointment(
        clinician_a,
        ready_patient,
        feed.NOW + timedelta(days=9),
        made=LATER + timedelta(milliseconds=100),
    )
    for when in (LATER + timedelta(milliseconds=300), LATER + timedelta(minutes=15)):
        again = get(api_a, clinician_a, when, HTTP_IF_MODIFIED_SINCE=read["Last-Modified"])
        assert again.status_code == 200, when
    settled = get(api_a, clinician_a, LATER + timedelta(minutes=15))
    assert settled["Last-Modified"] == "Tue, 01 Sep 2026 08:05:00 GMT"


def test_the_next_utc_day_answers_200_once(api_a, clinician_a, booked):
    """The window and the cancellations' retention move at midnight (UTC)."""
    full = get(api_a, clinician_a)
    tomorrow = feed.NOW.replace(hour=0) + timedelta(days=1, minutes=10)
    ims = {"HTTP_IF_MODIFIED_SINCE": full["Last-Modified"]}
    assert get(api_a, clinician_a, tomorrow, **ims).status_code == 200
    assert get(api_a, clinician_a, tomorrow, HTTP_IF_NONE_MATCH=full["ETag"]).status_code == 200
    fresh = get(api_a, clinician_a, tomorrow)
    assert fresh["Last-Modified"] == "Wed, 02 Sep 2026 00:00:00 GMT"
    later = tomorrow + timedelta(hours=5)
    assert get(api_a, clinician_a, later, HTTP_IF_NONE_MATCH=fresh["ETag"]).status_code == 304
    ims = {"HTTP_IF_MODIFIED_SINCE": fresh["Last-Modified"]}
    assert get(api_a, clinician_a, later, **ims).status_code == 304


def test_the_private_feed_is_conditional_private_and_apart_from_other_clinicians(
    api_a, client, clinician_a, ready_patient, booked
):
    with feed.at(LATER):
        feed_url = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/").json()["feed_url"]
        full = client.get(feed_url)
        assert full.status_code == 200
        assert_private(full)
        cached = client.get(feed_url, HTTP_IF_NONE_MATCH=full["ETag"])
        assert cached.status_code == 304 and cached["ETag"] == full["ETag"]
        assert_private(cached)
        assert client.get(feed_url, HTTP_IF_MODIFIED_SINCE=full["Last-Modified"]).status_code == 304
    # A colleague's new appointment changes nothing in this feed.
    colleague = ClinicianFactory(practice=clinician_a.practice)
    feed.appointment(colleague, ready_patient, feed.NOW + timedelta(days=20), made=LATER)
    with feed.at(LATER + timedelta(minutes=5)):
        assert client.get(feed_url, HTTP_IF_NONE_MATCH=full["ETag"]).status_code == 304
        ims = {"HTTP_IF_MODIFIED_SINCE": full["Last-Modified"]}
        assert client.get(feed_url, **ims).status_code == 304


def test_a_renamed_clinician_gets_a_new_etag(api_a, clinician_a, booked):
    """The calendar's name is the clinician's: it is part of what the ETag digests."""
    before = get(api_a, clinician_a)
    clinician_a.last_name = "Roth-Keller"
    clinician_a.save(update_fields=["last_name"])
    assert get(api_a, clinician_a, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        ({"If-None-Match": '"a"'}, True),
        ({"If-None-Match": 'W/"a"'}, True),
        ({"If-None-Match": '"b", "a"'}, True),
        ({"If-None-Match": "*"}, True),
        ({"If-None-Match": "a"}, False),  # unquoted: not an entity tag
        ({"If-None-Match": '"b"', "If-Modified-Since": "Tue, 01 Sep 2026 08:00:00 GMT"}, False),
        ({"If-Modified-Since": "Tue, 01 Sep 2026 08:00:00 GMT"}, True),
        ({"If-Modified-Since": "Tue, 01 Sep 2026 07:59:59 GMT"}, False),
        ({"If-Modified-Since": "not a date"}, False),
    ],
)
def test_is_not_modified_follows_rfc_9110(headers, expected):
    validators = SimpleNamespace(etag='"a"', changed_at=feed.NOW)
    assert is_not_modified(headers, validators) is expected
