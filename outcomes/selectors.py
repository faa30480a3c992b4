"""Reads that see courses, records and outcomes at once; they live here, the lowest app
that does (docs/architecture.md):

- the course timeline: the patient's appointments, records with their passes, lots and
  amendments, measures, photo counts and adverse events, in a constant number of
  queries, turned into timelines by the pure sessions.timeline;
- which patients have a finished course still to survey (the clinician's day)."""

from collections.abc import Sequence

from django.db.models import Count, Max, QuerySet, Value
from django.db.models.functions import Coalesce

from mesoplan.tenancy import scoped
from patients.models import Patient
from scheduling.models import Appointment, Course
from sessions.models import AdverseEvent, Pass
from sessions.timeline import LotDone, MeasureDone, PassDone, course_timeline

from .models import OutcomeMeasure


def course_timelines(actor, patient: Patient, courses: Sequence[Course]) -> dict:
    """{course id: timeline entries} of the patient's `courses` (as `patient_courses`
    read them): two queries however many sessions, one more when a session has a
    measure and one more when one has an adverse event. Each query costs Django more
    than the database does, so the record's version and counts come with its
    appointment, and the passes and measures come as values (the timeline shows values:
    no model per pass, lot or measure). Every query goes by the patient's own rows
    (indexed by patient), however long the practice's history."""
    if not courses:
        return {}
    appointments = list(_appointments_with_records(actor, patient))
    by_appointment, versions, photos = {}, {}, {}
    with_measures, with_events = [], []
    for a in appointments:
        done = getattr(a, "session_record", None)  # none: not (yet) performed
        if done is None:
            continue
        by_appointment[a.pk] = done
        versions[done.pk] = a.record_version  # type: ignore[attr-defined]
        photos[done.pk] = a.photo_count  # type: ignore[attr-defined]
        if a.measure_count:  # type: ignore[attr-defined]
            with_measures.append(done.pk)
        if a.event_count:  # type: ignore[attr-defined]
            with_events.append(done.pk)
    current = _current_passes(actor, patient, versions) if versions else {}
    measures: dict = {}
    if with_measures:  # the latest of each record's measures: they come oldest first
        for record_id, *values in (
            OutcomeMeasure.objects.filter(session_record__in=with_measures)
            .order_by("session_record_id", "recorded_at")
            .values_list("session_record_id", "gais", "hair_density_per_cm2", "patient_rating")
        ):
            measures[record_id] = MeasureDone(*values)
    events: dict = {}
    if with_events:
        for event in (
            AdverseEvent.objects.filter(session_record__in=with_events)
            .only("id", "session_record_id", "type", "severity", "outcome", "onset_at")
            .order_by("onset_at")
        ):
            events.setdefault(event.session_record_id, []).append(event)
    # Each course's appointments in time order, its own and those recorded against it (a
    # maintenance session): one pass over them, however many courses.
    of_course: dict = {}
    for a in appointments:
        done = by_appointment.get(a.pk)
        for course_id in {a.course_id, done.course_id if done else None} - {None}:
            of_course.setdefault(course_id, []).append(a)
    labels: dict[str, str] = {}  # region names, looked up once for all the courses
    return {
        course.pk: course_timeline(
            total=course.protocol.session_count,
            appointments=of_course.get(course.pk, []),
            records=by_appointment,
            current_passes=current,
            versions=versions,
            measures=measures,
            photos=photos,
            events=events,
            labels=labels,
        )
        for course in courses
    }


def _appointments_with_records(actor, patient: Patient) -> QuerySet[Appointment]:
    """The patient's appointments in time order, each with its session record (if any)
    and the record's current version and its counts of photos, measures and adverse
    events: joined and counted (a record has a few of each; a subquery per value would
    cost Django more to build than the database to run)."""
    return (
        scoped(Appointment, actor)
        .filter(patient=patient)
        .select_related("session_record")
        .only(
            "id",
            "course_id",
            "sequence",
            "status",
            "starts_at",
            "session_record__id",
            "session_record__appointment_id",
            "session_record__course_id",
            "session_record__performed_at",
        )
        .annotate(
            # The newest version is the record as it stands (sessions/versions.py).
            record_version=Coalesce(Max("session_record__amendments__version"), Value(1)),
            photo_count=Count("session_record__photos", distinct=True),
            measure_count=Count("session_record__measures", distinct=True),
            event_count=Count("session_record__adverse_events", distinct=True),
        )
        .order_by("starts_at")
    )


def _current_passes(actor, patient: Patient, versions: dict) -> dict:
    """{record id: its passes in the current version (`versions`), in order}, read with
    their lot numbers as values; earlier versions' passes stay, and are skipped."""
    current: dict = {pk: [] for pk in versions}
    rows = (
        scoped(Pass, actor)
        .filter(session_record__patient=patient)
        .order_by("session_record_id", "version", "position")
        .values_list(
            "session_record_id", "version", "technique", "region", "volume_ml", "lot__lot_number"
        )
    )
    for record_id, version, technique, region, volume_ml, lot_number in rows:
        if version == versions.get(record_id):
            current[record_id].append(PassDone(technique, region, volume_ml, LotDone(lot_number)))
    return current


def patients_with_survey_due(actor, patient_ids) -> set:
    """Which of these patients finished a course that has no survey yet (one query, none
    without patients): the satisfaction question is asked once a course is done."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return set()
    return set(
        scoped(Course, actor)
        .filter(patient_id__in=ids, status=Course.Status.COMPLETED, survey__isnull=True)
        .values_list("patient_id", flat=True)
        .distinct()
    )
