"""The satisfaction survey of a course (API.md "Satisfaction survey", DOMAIN.md
"Outcomes: the Meso-Report"): three levels, one per course, once a session of the course
is recorded. Entered by the practice (a clinician or the practice manager, from the
patient's answer on paper or at the desk), or by the patient through a one-time link.

The link: a random token (`secrets`), of which only the SHA-256 is stored, so the link
is shown once, when it is made, and a copy of the database cannot answer it. It expires
after SURVEY_LINK_DAYS, answers once, and names its course itself: the public page needs
nothing else and shows nothing else (no patient, no course, no practice data but its
name). One survey per course is the database's rule too (a OneToOne), so two answers
racing each other end in one survey and one 409 (or, for the link, a "used" page).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.date_display import in_active_zone, practice_date, practice_datetime
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import require_practice_staff
from mesoplan.tenancy import Scope, ensure_in_scope
from scheduling.models import Course
from sessions.models import SessionRecord

from .models import Rating, Survey, SurveyLink, SurveySource

COMMENT_MAX = 2000


class LinkUnknown(Exception):
    """No link has this token (404)."""


class LinkGone(Exception):
    """The link expired or was used, or its course was surveyed meanwhile (410)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" | "used" | "replaced" (what the patient is told)


@dataclass(frozen=True)
class HandedOutLink:
    """A link just made: the token exists only here, never in the database."""

    link: SurveyLink
    token: str


def token_hash(token: str) -> str:
    """The stored form of a token.

    >>> token_hash("abc")
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _clean(rating: str, comment: str | None) -> str:
    errors = {}
    if rating not in Rating.values:
        errors["rating"] = [f"Choose one of: {', '.join(Rating.values)}."]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [f"At most {COMMENT_MAX} characters."]
    if errors:
        raise InvalidInput(errors)
    return comment


def _can_be_surveyed(course: Course) -> None:
    """409 unless the course may get its survey now: none yet, and a session *of the
    course* recorded (a maintenance visit belongs to the latest course's result, but it is
    not one of its sessions)."""
    if Survey.objects.filter(course=course).exists():
        raise Conflict("This course already has its survey: one per course.", "survey_exists")
    if not SessionRecord.objects.filter(course=course, appointment__course=course).exists():
        raise Conflict(
            "The survey is taken once at least one session of the course is recorded.",
            "no_session_recorded",
        )


def _locked(course: Course) -> Course:
    """The course row, locked: every path to a survey or a link takes this lock first,
    so they queue on it. NO KEY UPDATE, because inserting a survey takes a KEY SHARE lock
    on its course (the foreign key), which a plain FOR UPDATE held by another
    transaction would block: each waiting for the other, a deadlock on PostgreSQL."""
    return (
        Course.objects.select_for_update(no_key=True, of=("self",))
        .select_related("patient")
        .get(pk=course.pk)
    )


def _create(course: Course, rating: str, comment: str, source: str, entered_by) -> Survey:
    """The survey row; the OneToOne turns a racing second one into a 409."""
    try:
        with transaction.atomic():  # a savepoint: the duplicate's error leaves the outer intact
            return Survey.objects.create(
                course=course,
                rating=rating,
                comment=comment,
                source=source,
                entered_by=entered_by,
            )
    except IntegrityError as exc:
        raise Conflict(
            "This course already has its survey: one per course.", "survey_exists"
        ) from exc


@transaction.atomic
def record_survey(*, actor, course: Course, rating: str, comment: str = "") -> Survey:
    """The practice enters the patient's answer (a clinician or the practice manager)."""
    require_practice_staff(actor, "enter a survey or hand out its link")
    ensure_in_scope(actor, course)
    comment = _clean(rating, comment)
    course = _locked(course)
    _can_be_surveyed(course)
    survey = _create(course, rating, comment, SurveySource.CLINICIAN, actor)
    audit.record(
        actor,
        Action.SURVEY_RECORD,
        survey,
        patient_id=course.patient_id,
        summary=f"{survey.get_rating_display()} (entered by the practice)",
    )
    return survey


def open_link_of(course: Course, now: datetime | None = None) -> SurveyLink | None:
    """The course's link that can still be answered, if one is out."""
    now = now or timezone.now()
    return (
        SurveyLink.objects.filter(
            course=course, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("created_by")
        .first()
    )


@transaction.atomic
def hand_out_link(*, actor, course: Course, replace: bool = False) -> HandedOutLink:
    """A one-time link for the patient to answer the course's survey: one per course at a
    time (the database's rule), until it is used or expires. 409 `link_out` while one is
    out, unless `replace` revokes it (its patient then finds it gone); 409 when the course
    already has its survey or no session of it is recorded yet."""
    require_practice_staff(actor, "enter a survey or hand out its link")
    ensure_in_scope(actor, course)
    course = _locked(course)
    _can_be_surveyed(course)
    now = timezone.now()
    SurveyLink.objects.filter(  # an expired link no longer counts as out
        course=course, used_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
    ).update(revoked_at=now)
    current = open_link_of(course, now)
    if current is not None:
        if not replace:
            raise Conflict(
                f"A survey link for this course is out until {practice_date(in_active_zone(current.expires_at))}: "
                "replace it to make a new one.",
                "link_out",
            )
        SurveyLink.objects.filter(pk=current.pk).update(revoked_at=now)
        audit.record(
            actor,
            Action.SURVEY_LINK_REVOKE,
            current,
            patient_id=course.patient_id,
            summary="Replaced by a new link",
        )
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            link = SurveyLink.objects.create(
                course=course,
                token_hash=token_hash(token),
                expires_at=now + timedelta(days=settings.SURVEY_LINK_DAYS),
                created_by=actor,
            )
    except IntegrityError as exc:  # another link was made meanwhile (the course lock's twin)
        raise Conflict("A survey link was made for this course meanwhile.", "link_out") from exc
    audit.record(
        actor,
        Action.SURVEY_LINK_CREATE,
        link,
        patient_id=course.patient_id,
        summary=f"Valid until {practice_datetime(in_active_zone(link.expires_at))}",
    )
    return HandedOutLink(link=link, token=token)


def _usable(link: SurveyLink | None, now: datetime) -> SurveyLink:
    if link is None:
        raise LinkUnknown
    if link.used_at is not None:
        raise LinkGone("used")
    if link.revoked_at is not None:
        raise LinkGone("replaced")
    if link.expires_at <= now:
        raise LinkGone("expired")
    return link


def practice_of_token(token: str):
    """The practice a link (used or not) belongs to, for the thank-you page; None when no
    link has this token."""
    link = (
        SurveyLink.objects.select_related("course__patient__practice")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return link.course.patient.practice if link else None


def open_link(token: str) -> SurveyLink:
    """The link of a token, if it can still be answered (the public page's GET): raises
    LinkUnknown or LinkGone. The token is the credential: no actor, no practice scope."""
    link = (
        SurveyLink.objects.select_related("course__patient__practice")
        .filter(token_hash=token_hash(token))
        .first()
    )
    link = _usable(link, timezone.now())
    if Survey.objects.filter(course_id=link.course_id).exists():
        raise LinkGone("used")  # answered meanwhile by the practice: the same to the patient
    return link


@transaction.atomic
def answer_link(*, token: str, rating: str, comment: str = "") -> Survey:
    """The patient's answer through the link: stores the survey and marks the link used,
    together, under a lock on the link (a second submit waits, then finds it used)."""
    comment = _clean(rating, comment)
    link = (
        SurveyLink.objects.select_for_update(of=("self",))
        .filter(token_hash=token_hash(token))
        .first()
    )
    now = timezone.now()
    link = _usable(link, now)
    course = _locked(link.course)
    if Survey.objects.filter(course=course).exists():
        raise LinkGone("used")  # answered meanwhile by the practice or another link
    try:
        survey = _create(course, rating, comment, SurveySource.PATIENT_LINK, None)
    except Conflict as exc:
        raise LinkGone("used") from exc
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit.record(
        Scope.practice(course.patient.practice_id),
        Action.SURVEY_RECORD,
        survey,
        patient_id=course.patient_id,
        summary=f"{survey.get_rating_display()} (answered by the patient through a link)",
    )
    return survey


def survey_of(course: Course) -> Survey | None:
    return Survey.objects.filter(course=course).select_related("entered_by").first()
