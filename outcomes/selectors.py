"""The course timeline's read: the patient's appointments, records with their passes,
lots and amendments, measures, photo counts and adverse events, in a constant number of
queries, turned into timelines by the pure sessions.timeline. It lives here, the lowest
app that sees courses, records and outcomes at once (docs/architecture.md)."""

from collections.abc import Sequence

from django.db.models import Count, Prefetch

from mesoplan.tenancy import scoped
from patients.models import Patient
from scheduling.models import Course
from scheduling.selectors import appointments_for
from sessions.models import AdverseEvent, Pass, SessionAmendment, SessionRecord
from sessions.timeline import course_timeline
from sessions.versions import current_version

from .models import OutcomeMeasure


def course_timelines(actor, patient: Patient, courses: Sequence[Course]) -> dict:
    """{course id: timeline entries} of the patient's `courses` (as `patient_courses`
    read them), in a constant number of queries however many sessions: appointments,
    records with their passes, lots and amendments, measures, photo counts and adverse
    events, each read once; none without a course."""
    if not courses:
        return {}
    appointments = list(appointments_for(actor).filter(patient=patient).order_by("starts_at"))
    # Only what the timeline shows: no joins to the appointment, staff or the check.
    records = list(
        scoped(SessionRecord, actor)
        .filter(patient=patient)
        .only("id", "appointment_id", "course_id", "performed_at", "created_at", "notes")
        .prefetch_related(
            Prefetch("passes", queryset=Pass.objects.select_related("lot")),
            Prefetch("amendments", queryset=SessionAmendment.objects.all()),
            Prefetch("measures", queryset=OutcomeMeasure.objects.order_by("recorded_at")),
            Prefetch("adverse_events", queryset=AdverseEvent.objects.order_by("onset_at")),
        )
        .annotate(photo_count=Count("photos"))
    )
    by_appointment = {r.appointment_id: r for r in records}
    current, versions, measures, photos, events = {}, {}, {}, {}, {}
    for record in records:
        version = current_version(record)
        current[record.pk] = version.passes
        versions[record.pk] = version.version
        taken = list(record.measures.all())
        measures[record.pk] = taken[-1] if taken else None
        photos[record.pk] = record.photo_count  # type: ignore[attr-defined]
        events[record.pk] = list(record.adverse_events.all())
    timelines = {}
    for course in courses:
        mine = [
            a
            for a in appointments
            if a.course_id == course.pk
            or (a.pk in by_appointment and by_appointment[a.pk].course_id == course.pk)
        ]
        timelines[course.pk] = course_timeline(
            total=course.protocol.session_count,
            appointments=mine,
            records=by_appointment,
            current_passes=current,
            versions=versions,
            measures=measures,
            photos=photos,
            events=events,
        )
    return timelines
