"""The patient record's "Courses" section, `{% patient_courses patient %}`: each course
with its progress, next session and timeline. The record belongs to patients, which may
not import the apps above it (the layers point one way); the section comes from here,
the lowest app that sees courses, session records and their outcomes at once."""

from django import template
from django.utils import timezone

from outcomes.selectors import course_timelines
from scheduling import selectors

register = template.Library()


@register.inclusion_tag("outcomes/_patient_courses.html", takes_context=True)
def patient_courses(context, patient, rows=None) -> dict:
    """`{% patient_courses patient %}`: each course with its progress, next session and
    timeline (sessions done and planned, what was done): a constant number of queries.
    `rows`, the courses with their progress, when the page read them already
    (`{% patient_course_state %}`)."""
    user = context["request"].user
    if rows is None:
        rows = selectors.patient_courses(user, patient, timezone.now())
    timelines = course_timelines(user, patient, [course for course, _ in rows])
    return {
        "patient": patient,
        "rows": [(course, progress, timelines.get(course.pk, [])) for course, progress in rows],
    }
