"""The patient record's "Courses" section. The record belongs to patients, which may not
import sessions (the layers point one way), so the section comes from here as a tag."""

from django import template
from django.utils import timezone

from sessions import selectors

register = template.Library()


@register.inclusion_tag("sessions/_patient_courses.html", takes_context=True)
def patient_courses(context, patient) -> dict:
    """`{% patient_courses patient %}`: each course with its progress and next session
    (one query)."""
    user = context["request"].user
    return {
        "patient": patient,
        "rows": selectors.patient_courses(user, patient, timezone.now()),
    }
