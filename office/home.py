"""What each role sees first after signing in: its work queues.

- Clinician: their day (today's appointments, who is next and what each needs; tomorrow's
  below, `office.today`), open adverse events awaiting follow-up, cautions awaiting
  acknowledgement, deferred patients due for re-screening, the patients they opened
  last.
- Practice manager: the practice at a glance and its staff.
- Network admin: anonymous figures per member practice.

The queues are read by the patients app's selectors; this app sits above the clinical
apps, so it may import them (the foundation may not).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from mesoplan.clock import practice_today, practice_zone
from mesoplan.roles import Role
from mesoplan.selectors import staff_with_lockouts
from patients import selectors
from patients.deferral import rescreen_due_on
from patients.selectors import empty_figures, network_figures, practice_at_a_glance
from reports.home import latest_report_panels
from sessions.open_events import open_adverse_events, outcome_label

from .today import agenda_for

# Rows per queue on the home page; the heading gives the full count.
QUEUE_LENGTH = 15
RECENT_PATIENTS = 8
NETWORK_PERIOD_DAYS = 30


@dataclass(frozen=True)
class Queue:
    rows: list
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class DueRescreening:
    screening: Any  # patients.models.Screening (not imported here: see the module's note)
    due_on: date
    is_due: bool


def _queue(queryset) -> Queue:
    rows = list(queryset[:QUEUE_LENGTH])
    total = len(rows) if len(rows) < QUEUE_LENGTH else queryset.count()
    return Queue(rows, total)


def home_context(user) -> dict:
    template = {
        Role.CLINICIAN: "office/home_clinician.html",
        Role.PRACTICE_MANAGER: "office/home_manager.html",
        Role.NETWORK_ADMIN: "office/home_network.html",
    }.get(user.role, "office/home_clinician.html")
    context: dict = {"template": template, "practice": user.practice}
    if user.role == Role.NETWORK_ADMIN and user.network_id:
        context.update(_network_context(user))
    elif user.role == Role.PRACTICE_MANAGER and user.practice_id:
        context.update(_manager_context(user))
    elif user.practice_id:
        context.update(_clinician_context(user))
    return context


def _clinician_context(user) -> dict:

    zone = practice_zone(user.practice)
    today = practice_today(user.practice)
    days = settings.DEFERRAL_RESCREEN_DAYS
    deferred = _queue(selectors.deferred_awaiting_rescreening(user))
    due_rows = []
    for screening in deferred.rows:
        due_on = rescreen_due_on(screening.created_at.astimezone(zone).date(), days)
        due_rows.append(DueRescreening(screening, due_on, is_due=due_on <= today))
    return {
        "open_events": _open_events(user),
        "cautions": _queue(selectors.cautions_awaiting_acknowledgement(user)),
        "deferred": Queue(due_rows, deferred.total),
        "rescreen_days": days,
        "recent": selectors.recently_viewed_patients(user, limit=RECENT_PATIENTS),
        "today": today,
        "agenda": agenda_for(user, user, [today, today + timedelta(days=1)], timezone.now()),
    }


@dataclass(frozen=True)
class OpenEvent:
    event: Any  # sessions.models.AdverseEvent, with `outcome_now`
    outcome: str  # its current outcome, in words


def _open_events(user) -> Queue:
    events = _queue(open_adverse_events(user))
    rows = [OpenEvent(e, outcome_label(e.outcome_now)) for e in events.rows]
    return Queue(rows, events.total)


def _manager_context(user) -> dict:

    today = practice_today(user.practice)
    monday = today - timedelta(days=today.weekday())
    week_starts = datetime.combine(monday, time.min, tzinfo=practice_zone(user.practice))
    return {
        "glance": practice_at_a_glance(user, week_starts=week_starts),
        "week_starts": monday,
        "staff": staff_with_lockouts(user),
        **latest_report_panels(user, keys=()),
    }


def _network_context(user) -> dict:

    since = timezone.now() - timedelta(days=NETWORK_PERIOD_DAYS)
    figures = network_figures(user, since=since)
    practices = list(user.network.practices.order_by("name"))
    return {
        "network": user.network,
        "practices": practices,
        "figures": [(p, figures.get(p.pk, empty_figures())) for p in practices],
        "period_days": NETWORK_PERIOD_DAYS,
        **latest_report_panels(user, keys=("satisfaction", "practices")),
    }
