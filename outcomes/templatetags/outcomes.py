"""Outcome sections that hang on other pages: a recorded session's measures and photos
(`{% session_outcomes session %}` on the session record page) and a course's survey
(`{% course_survey course %}` on the course page). Each reads what it shows in a fixed
number of queries, whatever the number of measures or photos."""

from django import template
from django.conf import settings

from mesoplan.roles import is_clinician, works_in_practice
from outcomes import measures, photos, surveys
from outcomes.forms import MeasureForm, PhotoForm, SurveyForm
from patients.selectors import photography_consent
from protocols.regions import regions_for
from sessions.models import SessionRecord

register = template.Library()


@register.inclusion_tag("outcomes/_session_outcomes.html", takes_context=True)
def session_outcomes(context, session) -> dict:
    """`{% session_outcomes session %}` (a SessionRecord): the newest measures with the
    earlier ones, the photos as thumbnails, and for a clinician the forms to record
    measures and add a photo (hair density on a hair-loss session only). Three queries."""
    user = context["request"].user
    course = session.course
    indication = course.protocol.indication if course is not None else None
    entries = list(measures.measures_for(user).filter(session_record=session))
    consent = photography_consent(user, session.patient)
    can_record = is_clinician(user)
    return {
        "session": session,
        "latest": entries[0] if entries else None,
        "earlier": entries[1:],
        "photos": list(photos.photos_for(user).filter(session_record=session)),
        "consent": consent,
        "can_record": can_record,
        "measure_form": MeasureForm() if can_record else None,
        "photo_form": PhotoForm(regions=regions_for(indication) if indication else ())
        if can_record
        else None,
        # Hair density is a hair-loss session's measure (outcomes.measures); a density
        # stored on another session before that rule is still shown.
        "is_hair": "hair_density_per_cm2" in measures.measures_of(session.formulation.indication),
        "shows_density": any(e.hair_density_per_cm2 is not None for e in entries),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("outcomes/_course_survey.html", takes_context=True)
def course_survey(context, course) -> dict:
    """`{% course_survey course %}`: the course's survey, or (once a session of it is
    recorded) the form to enter the patient's answer and the button for a one-time
    link (and whether one is out). Three queries."""
    user = context["request"].user
    survey = surveys.survey_of(course)
    recorded = survey is None and SessionRecord.objects.filter(course=course).exists()
    return {
        "course": course,
        "survey": survey,
        "can_be_surveyed": recorded,
        "can_enter": works_in_practice(user),
        "open_link": surveys.open_link_of(course) if recorded else None,
        "form": SurveyForm(auto_id="survey_%s"),
        "link_days": settings.SURVEY_LINK_DAYS,
        "csrf_token": context.get("csrf_token"),
    }
