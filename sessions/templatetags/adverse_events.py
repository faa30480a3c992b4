"""Adverse events where a clinician must see them, as tags other apps' pages place:

- `{% session_adverse_events session %}` on the session record page: the session's
  events with their linked lots and follow-ups, and (for clinicians) the form that
  records one;
- `{% patient_adverse_event_alerts patient %}` beside the patient record's alert strip
  (patients may not import sessions: the layers point one way);
- `{% open_adverse_event_notice patient %}` on an appointment and the session form: the
  patient's open events, until a follow-up says the patient recovered;
- `{% patients_with_open_events columns as flagged %}` in the calendar grid: which of
  its patients have one (a calendar row carries a mark).
"""

from dataclasses import dataclass

from django import template

from mesoplan.roles import is_clinician
from sessions import adverse_events, open_events
from sessions.forms import FollowUpForm, adverse_event_form
from sessions.models import AdverseEvent, EventOutcome, EventSeverity, EventType

register = template.Library()


@dataclass(frozen=True)
class EventRow:
    event: AdverseEvent
    outcome: str  # the current one, as a label
    tone: str  # an alert colour: excluded (red) | caution (amber)
    follow_up_form: FollowUpForm | None


def _tone(event: AdverseEvent) -> str:
    serious = event.severity == EventSeverity.SEVERE or event.type == EventType.ALLERGIC_REACTION
    return "excluded" if serious else "caution"


def _outcome_label(event: AdverseEvent) -> str:
    return str(EventOutcome(adverse_events.current_outcome(event)).label)


@register.inclusion_tag("sessions/_session_adverse_events.html", takes_context=True)
def session_adverse_events(context, session) -> dict:
    """The events of a session record, oldest first as they happened, and the form to
    record one (four queries)."""
    user = context["request"].user
    events = adverse_events.adverse_events_for(user).filter(session_record=session)
    can_record = is_clinician(user)
    rows = [
        EventRow(
            event,
            _outcome_label(event),
            _tone(event),
            FollowUpForm(prefix=f"follow-{event.pk}") if can_record else None,
        )
        for event in sorted(events, key=lambda e: (e.onset_at, str(e.pk)))
    ]
    form = None
    if can_record:
        form = adverse_event_form(
            None, lots=adverse_events.session_lots(session), practice=user.practice
        )
    return {"session": session, "rows": rows, "form": form}


@register.inclusion_tag("sessions/_patient_adverse_event_alerts.html", takes_context=True)
def patient_adverse_event_alerts(context, patient) -> dict:
    """The patient's adverse events as alerts, newest first (one query without events,
    three with)."""
    user = context["request"].user
    events = adverse_events.adverse_events_for(user).filter(patient=patient)
    return {
        "rows": [EventRow(e, _outcome_label(e), _tone(e), None) for e in events],
    }


@register.inclusion_tag("sessions/_open_adverse_events.html", takes_context=True)
def open_adverse_event_notice(context, patient) -> dict:
    """The patient's open adverse events as a notice (one query without events)."""
    user = context["request"].user
    events = open_events.open_events_of(user, patient)
    rows = [EventRow(e, _outcome_label(e), _tone(e), None) for e in events]
    return {"rows": rows, "serious": any(r.tone == "excluded" for r in rows)}


@register.simple_tag(takes_context=True)
def patients_with_open_events(context, columns) -> set:
    """The patients of a calendar grid's appointments with an open event (one query)."""
    ids = [placed.item.appointment.patient_id for column in columns for placed in column.items]
    return open_events.patients_with_open_events(context["request"].user, ids)
