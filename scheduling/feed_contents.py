"""What a clinician's calendar feed holds (API.md, Clinicians: `calendar.ics` and
`feed_url`), and the validators of a conditional GET of it, from one aggregate query.

The feed is a window around today, so a busy clinician's feed stays small however long
the practice has kept its calendar in MesoPlan. A cancelled appointment stays in it a
while as STATUS:CANCELLED (a subscriber that has the event marks it cancelled rather
than guessing why it vanished), then it is gone.

Everything in it that depends on the clock depends on the UTC day alone: within a day
the feed changes only when an appointment does, so its validators can be read from the
rows (count, versions, newest change) without rendering anything.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet, Sum

from .models import LONGEST_APPOINTMENT, Appointment, AppointmentStatus

# A quarter back: the last course's sessions and the wait before maintenance (at least
# three months, DOMAIN.md) stay in view; older history is in MesoPlan itself.
PAST = timedelta(days=90)
# About 18 months ahead: a course of 8 sessions and a maintenance session up to 6
# months after it (DOMAIN.md) are inside it when they are booked.
AHEAD = timedelta(days=548)
# A cancellation is shown for 30 days after it was made (its last change, updated_at),
# and not once the appointment's day is over.
CANCELLED_KEPT = timedelta(days=30)
# Well beyond how long a write holds its transaction open after Django stamped
# updated_at (a request's work, not a batch job). The Last-Modified a feed announces is
# never later than now - SETTLE: a change that commits after the feed was read, stamped
# earlier than what that feed saw or within the same second, is then still newer than
# the If-Modified-Since the feed's reader sends back, and answers 200.
SETTLE = timedelta(seconds=60)
# Part of every ETag: raise it when the rendering (scheduling.ical) changes, so that
# subscribers fetch the new form once.
RENDERING = "2"


@dataclass(frozen=True)
class FeedWindow:
    day: datetime  # the UTC midnight the window was taken from
    since: datetime
    until: datetime

    @property
    def cancelled_since(self) -> datetime:
        return self.day - CANCELLED_KEPT


@dataclass(frozen=True)
class FeedValidators:
    etag: str  # strong: a quoted digest of what the feed holds
    changed_at: datetime  # the newest change, to the second: If-Modified-Since meets it
    last_modified: datetime  # what the header says: changed_at, or earlier until settled


def feed_window(now: datetime) -> FeedWindow:
    """The window for the UTC day of `now`.

    >>> w = feed_window(datetime(2026, 9, 1, 23, 59, tzinfo=UTC))
    >>> w.day.isoformat(), w.since.date().isoformat(), w.until.date().isoformat()
    ('2026-09-01T00:00:00+00:00', '2026-06-03', '2028-03-02')
    """
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return FeedWindow(day=day, since=day - PAST, until=day + AHEAD)


def _in_feed(window: FeedWindow) -> Q:
    shown = ~Q(status=AppointmentStatus.CANCELLED) | Q(
        updated_at__gte=window.cancelled_since, ends_at__gt=window.day
    )
    return Q(ends_at__gt=window.since, starts_at__lt=window.until) & shown


def _scan(clinician, window: FeedWindow) -> QuerySet[Appointment]:
    """The clinician's appointments from the window's start on: a range of the
    (clinician, starts_at) index, begun the longest appointment earlier so that one
    running over the window's start is in it."""
    return Appointment.objects.filter(
        practice_id=clinician.practice_id,
        clinician=clinician,
        starts_at__gte=window.since - LONGEST_APPOINTMENT,
    )


def feed_appointments(clinician, window: FeedWindow) -> QuerySet[Appointment]:
    """The feed's appointments with what an event says of them: one query."""
    return (
        _scan(clinician, window)
        .filter(_in_feed(window))
        .select_related("course__protocol")
        .order_by("starts_at", "id")
    )


def feed_validators(clinician, window: FeedWindow, now: datetime) -> FeedValidators:
    """ETag and Last-Modified of the feed, from one aggregate over the index range the
    feed reads (a 304 costs this query and no rendering).

    The ETag digests the feed's count, the sum and the highest of its versions and its
    newest change: a new appointment raises the count, a change raises a version (the
    database raises it with every change a client sees, scheduling.change_triggers), an
    appointment leaving (moved out, cancelled long ago, deleted) lowers the count; and
    the day, the clinician's name and the rendering. Last-Modified is the newest change
    among the clinician's appointments from the window's start on (those moved beyond
    the window too), at least the day's start (when the window and the cancellations'
    retention moved), to the second; the header announces at most now - SETTLE."""
    in_feed = _in_feed(window)
    facts = _scan(clinician, window).aggregate(
        count=Count("id", filter=in_feed),
        versions=Sum("version", filter=in_feed),
        highest=Max("version", filter=in_feed),
        newest=Max("updated_at", filter=in_feed),
        touched=Max("updated_at"),
    )
    newest = facts["newest"].isoformat() if facts["newest"] else "-"
    key = "|".join(
        str(part)
        for part in (
            RENDERING,
            clinician.pk,
            clinician.display_name,
            window.day.date().isoformat(),
            facts["count"],
            facts["versions"] or 0,
            facts["highest"] or 0,
            newest,
        )
    )
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    changed = max(facts["touched"] or window.day, window.day)
    return FeedValidators(
        etag=etag,
        changed_at=_to_the_second(changed),
        last_modified=_to_the_second(min(changed, now - SETTLE)),
    )


def _to_the_second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)
