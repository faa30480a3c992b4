"""The calendar feeds' answer to a GET (the API's `calendar.ics` and the private
`feed_url` alike), conditional: calendar apps poll every few minutes, and a poll that
finds nothing new is a 304 that costs one aggregate query and no rendering.

The answer carries `Cache-Control: private, no-store` like every answer with patient
data (mesoplan.guards); ETag and Last-Modified are validators the calendar app keeps
itself, so the 304 works all the same.
"""

from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from .feed_contents import FeedValidators, feed_appointments, feed_validators, feed_window
from .ical import clinician_calendar


def is_not_modified(headers, validators: FeedValidators) -> bool:
    """RFC 9110 13.2.2: If-None-Match, when sent, decides alone (a weak comparison, 13.1.2);
    only without it does If-Modified-Since count, met by the newest change to the second."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.removeprefix("W/") for tag in parse_etags(if_none_match)]
        return "*" in tags or validators.etag in tags
    since = parse_http_date_safe(headers.get("If-Modified-Since") or "")
    return since is not None and int(validators.changed_at.timestamp()) <= since


def feed_answer(request, clinician) -> HttpResponse:
    now = timezone.now()
    window = feed_window(now)
    validators = feed_validators(clinician, window, now)
    response: HttpResponse
    if is_not_modified(request.headers, validators):
        response = HttpResponseNotModified()
    else:
        body = clinician_calendar(clinician, feed_appointments(clinician, window))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = validators.etag
    response["Last-Modified"] = http_date(validators.last_modified.timestamp())
    add_never_cache_headers(response)
    return response
