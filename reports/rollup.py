"""The Meso-Report's rollup (reports.models.SurveyedCourse), kept current in the same
transaction as what it counts: a survey adds its course's row (a signal: the row needs
the practice's date and the patient's age band); a session of the course recorded later
raises the row's `sessions_completed` (a trigger, reports 0002: no query of the treatment
room's own). `rebuild` writes the rows again
from the clinical tables (after a bulk load that bypassed the signals, or to check that
nothing drifted: tests compare the two)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from reports.models import AgeBand, SurveyedCourse

BANDS = (
    (30, AgeBand.UNDER_30),
    (40, AgeBand.THIRTIES),
    (50, AgeBand.FORTIES),
    (60, AgeBand.FIFTIES),
)


def age_on(born: date, day: date) -> int:
    """Whole years between the two days.

    >>> age_on(date(1990, 3, 1), date(2020, 2, 29)), age_on(date(1990, 3, 1), date(2020, 3, 1))
    (29, 30)
    """
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(born: date, day: date) -> str:
    """
    >>> age_band(date(1990, 3, 1), date(2020, 3, 1)), age_band(date(1950, 1, 1), date(2020, 1, 1))
    ('30-39', '60+')
    """
    age = age_on(born, day)
    for below, band in BANDS:
        if age < below:
            return band.value
    return AgeBand.SIXTY_PLUS.value


def sessions_of(course_id) -> int:
    from sessions.models import SessionRecord

    return SessionRecord.objects.filter(
        course_id=course_id, appointment__course_id=course_id
    ).count()


def row_for(survey) -> SurveyedCourse:
    """The rollup row of a survey (unsaved)."""
    course = survey.course
    patient = course.patient
    practice = patient.practice
    surveyed_on = survey.created_at.astimezone(practice.zone).date()
    return SurveyedCourse(
        course=course,
        practice_id=practice.pk,
        network_id=practice.network_id,
        protocol=course.protocol.code,
        target=(course.targets or [""])[0],
        sex=patient.sex,
        age_band=age_band(patient.date_of_birth, surveyed_on),
        sessions_completed=min(8, sessions_of(course.pk)),
        surveyed_on=surveyed_on,
        rating=survey.rating,
    )


def survey_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        row_for(instance).save()


@transaction.atomic
def rebuild(*, synthetic: bool = False) -> int:
    """Every surveyed course's row written again from the clinical tables (the rows of
    recreated surveys, which have no course, are kept). Returns the rows written."""
    from outcomes.models import Survey

    SurveyedCourse.objects.filter(course__isnull=False).delete()
    surveys = Survey.objects.select_related("course__patient__practice", "course__protocol")
    rows = []
    for survey in surveys.iterator(chunk_size=2000):
        row = row_for(survey)
        row.synthetic = synthetic
        rows.append(row)
    SurveyedCourse.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
