"""The patient record's "Courses" section. The record belongs to patients, which may not
import sessions (the layers point one way), so the section comes from here as a tag."""

from django import template
from django.utils import timezone

from sessions import selectors

register = template.Library()


@register.inclusion_tag("sessions/_patient_courses.html", takes_context=True)
def patient_courses(context, patient) -> dict:
    """`{% patient_courses patient %}`: each course with its progress, next session and
    timeline (sessions done and planned, what was done): a constant number of queries."""
    user = context["request"].user
    rows = selectors.patient_courses(user, patient, timezone.now())
    timelines = selectors.course_timelines(user, patient, [course for course, _ in rows])
    return {
        "patient": patient,
        "rows": [(course, progress, timelines.get(course.pk, [])) for course, progress in rows],
    }
