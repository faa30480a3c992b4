"""The course a patient is in, where the patient's pages show it: the record and the list
say "In course: 3 of 8" while one runs, and the next session replaces "Book a course".
Patients may not import the calendar (the layers point one way), so their pages place
these tags, each one query for the whole page:

- `{% running_courses page_patients as running %}` on the list: {patient id: {indication:
  RunningCourse}};
- `{% patient_course_state patient as courses %}` on the record: `courses.rows` (each
  course with its progress, which the Courses section below takes over instead of reading
  them again) and `courses.running` ({indication: RunningCourse}).
"""

from dataclasses import dataclass

from django import template
from django.utils import timezone

from scheduling import selectors
from scheduling.models import Course

register = template.Library()


@dataclass(frozen=True)
class CourseState:
    rows: list
    running: dict


@register.simple_tag(takes_context=True)
def running_courses(context, patients) -> dict:
    return selectors.running_courses(context["request"].user, [p.pk for p in patients])


@register.simple_tag(takes_context=True)
def patient_course_state(context, patient) -> CourseState:
    rows = selectors.patient_courses(context["request"].user, patient, timezone.now())
    running = {
        course.indication: selectors.running_of(course)
        for course, _ in rows
        if course.status == Course.Status.ACTIVE
    }
    return CourseState(rows, running)
