"""Courses, appointments and the practice's calendar: opening hours, closures, working
hours and absences (DOMAIN.md, "The course: schedule").

No double booking is a database invariant: on PostgreSQL an exclusion constraint
(btree_gist) refuses two non-cancelled appointments of one clinician that overlap
(clinical_sessions migration 0002, raw SQL: it came along when the table was renamed in
place by clinical_sessions 0006); on SQLite the booking service checks under the database's write lock.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mesoplan.date_display import in_active_zone, practice_date, practice_datetime
from mesoplan.tenancy import PracticeScopedManager
from protocols.models import Indication
from scheduling.change_triggers import WATCHED


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """When the practice is open on a weekday; several rows make a split day."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey(
        "mesoplan.Practice", on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(name="opening_hours_ordered", condition=Q(opens__lt=F("closes")))
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """A day the whole practice is closed (a public holiday, the practice's holidays)."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey(
        "mesoplan.Practice", on_delete=models.CASCADE, related_name="closures"
    )
    day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "day"], name="closure_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{practice_date(self.day)} {self.reason}".strip()


class WorkingHours(models.Model):
    """A clinician's hours on a weekday. A clinician without any works the practice's
    opening hours; with some, only these (within the opening hours)."""

    id = models.BigAutoField(primary_key=True)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    practice_path = "clinician__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(name="working_hours_ordered", condition=Q(starts__lt=F("ends")))
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Absence(models.Model):
    """Days a clinician does not work (leave, training), inclusive."""

    id = models.BigAutoField(primary_key=True)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    practice_path = "clinician__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(name="absence_ordered", condition=Q(starts_on__lte=F("ends_on")))
        ]

    def __str__(self) -> str:
        return f"{practice_date(self.starts_on)} to {practice_date(self.ends_on)} {self.reason}".strip()


class AppointmentKind(models.TextChoices):
    COURSE = "course", "Course session"
    MAINTENANCE = "maintenance", "Maintenance session"
    CONSULTATION = "consultation", "Consultation"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class CancellationReason(models.TextChoices):
    """Why an appointment was cancelled: asked when cancelling in the browser (the API's
    cancel may send it), shown on the appointment and counted by the reports."""

    PATIENT_REQUEST = "patient_request", "The patient asked to cancel"
    PATIENT_UNWELL = "patient_unwell", "The patient is unwell"
    CLINICAL = "clinical", "Clinical reason (contraindication, adverse event)"
    PRACTICE = "practice", "The practice cancelled (clinician absent, closure)"
    OTHER = "other", "Other reason"


class KindLength(models.Model):
    """The practice's default length of each appointment kind, in minutes."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey(
        "mesoplan.Practice", on_delete=models.CASCADE, related_name="kind_lengths"
    )
    kind = models.CharField(max_length=16, choices=AppointmentKind.choices)
    minutes = models.PositiveSmallIntegerField()

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind"], name="kind_length_once"),
            models.CheckConstraint(name="kind_length_positive", condition=Q(minutes__gte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.minutes} min"


class CourseTarget(models.TextChoices):
    """What a course treats (DOMAIN.md, "Indications"): filters for the reports."""

    ELASTOSIS = "elastosis", "Elastosis (sun or sunbed damage)"
    ENLARGED_PORES = "enlarged_pores", "Enlarged pores"
    PALE_COMPLEXION = "pale_complexion", "Pale complexion"
    FACIAL_REDNESS = "facial_redness", "Facial redness"
    AGE_SPOTS = "age_spots", "Age spots"
    PREVENTION = "prevention", "Prevention of photo-ageing"
    HAIR_REGROWTH = "regrowth", "Hair: regrowth"
    HAIR_STABILISE = "stabilise", "Hair: stabilise"


TARGETS_BY_INDICATION: dict[str, tuple[str, ...]] = {
    "skin": (
        CourseTarget.ELASTOSIS,
        CourseTarget.ENLARGED_PORES,
        CourseTarget.PALE_COMPLEXION,
        CourseTarget.FACIAL_REDNESS,
        CourseTarget.AGE_SPOTS,
        CourseTarget.PREVENTION,
    ),
    "hair": (CourseTarget.HAIR_REGROWTH, CourseTarget.HAIR_STABILISE),
}


class Combination(models.TextChoices):
    NEEDLING = "needling", "Needling"
    PRP = "prp", "PRP (platelet-rich plasma)"
    THREAD_LIFT_PREPARATION = "thread_lift_preparation", "Thread-lift preparation"
    PRE_OPERATIVE = "pre_operative", "Pre-operative course"


class Course(models.Model):
    """An 8-session course of one protocol for one patient, booked by a clinician on the
    strength of a screening that was ready to book.

    A patient has at most one active course per indication, by the database itself:
    active until session 8 is recorded or the course is ended early with a reason."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        ENDED = "ended", "Ended early"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="courses"
    )
    protocol = models.ForeignKey("protocols.Protocol", on_delete=models.PROTECT, related_name="+")
    # The protocol's, kept on the row so that the database can hold "one active course per
    # indication" (a unique index cannot follow the foreign key).
    indication = models.CharField(max_length=8, choices=Indication.choices)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses"
    )
    screening = models.ForeignKey(
        "patients.Screening", on_delete=models.PROTECT, related_name="courses"
    )
    initial_interval_days = models.PositiveSmallIntegerField()
    targets = models.JSONField(default=list, blank=True)
    combinations = models.JSONField(default=list, blank=True)
    operation_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Ended early: who, when and why (the remaining sessions were cancelled with it).
    ended_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    practice_path = "patient__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "indication"],
                condition=Q(status="active"),
                name="course_one_active_per_indication",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_at__isnull=False) & ~Q(ended_reason="")),
                name="course_ended_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_id} course for {self.patient_id}"


# No appointment lasts longer (PostgreSQL holds it, scheduling 0007): so an appointment
# overlapping a period starts at most this long before it, and a calendar or an overlap
# check reads a bounded range of the start-time index (`selectors.overlapping`).
LONGEST_APPOINTMENT = timedelta(hours=12)


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Denormalised from the patient: the practice scope and the calendar read it directly.
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    # No index of its own: appointment_clinician_idx (clinician, starts_at) serves every
    # lookup by clinician, and with both the planner sometimes read the whole of a
    # clinician's history through the single-column one, then sorted it (a feed's range).
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        db_index=False,
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    kind = models.CharField(max_length=16, choices=AppointmentKind.choices)
    sequence = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    # Check-in: when the patient arrived (the status stays "scheduled" until the session
    # is recorded or the visit is marked done; API.md's status list is the contract).
    arrived_at = models.DateTimeField(null=True, blank=True)
    # Why it was cancelled (blank for appointments cancelled before reasons were asked,
    # and for API clients that send none); a note says more, required for "other".
    cancellation_reason = models.CharField(
        max_length=24, choices=CancellationReason.choices, blank=True, default=""
    )
    cancellation_note = models.CharField(max_length=200, blank=True, default="")
    # Set, in the same transaction that sends it, when the reminder e-mail went out: the
    # reminder is sent exactly once however often beat or a retry asks (scheduling.reminders).
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Rises by one with every change a client can see, kept by the database itself
    # (scheduling.change_triggers): the iCalendar SEQUENCE, the webhook payload's version.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # The changes feed's first sync walks a practice's appointments by id.
            models.Index(fields=["practice", "id"], name="appointment_sync_walk_idx"),
            models.Index(fields=["clinician", "starts_at"], name="appointment_clinician_idx"),
            models.Index(fields=["practice", "starts_at", "id"], name="appointment_calendar_idx"),
            models.Index(fields=["practice", "updated_at"], name="appointment_changes_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="appointment_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(
                name="appointment_sequence_only_in_course",
                condition=(Q(course__isnull=True, sequence__isnull=True))
                | Q(course__isnull=False, sequence__gte=1),
            ),
            models.CheckConstraint(
                name="appointment_arrived_only_when_seen",
                condition=Q(arrived_at__isnull=True)
                | Q(status__in=[AppointmentStatus.SCHEDULED, AppointmentStatus.COMPLETED]),
            ),
            models.CheckConstraint(
                name="appointment_reason_only_when_cancelled",
                condition=Q(status=AppointmentStatus.CANCELLED)
                | (Q(cancellation_reason="") & Q(cancellation_note="")),
            ),
            models.UniqueConstraint(
                fields=["course", "sequence"],
                condition=~Q(status=AppointmentStatus.CANCELLED),
                name="appointment_one_per_course_sequence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {practice_datetime(in_active_zone(self.starts_at))}"

    def save(self, *args, **kwargs) -> None:
        """An update never writes `version`: the database raises it when a field a client
        sees changed (scheduling.change_triggers), and this copy then reads it back, so
        what the API answers after a write is what it will answer to a read."""
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        fields = kwargs.get("update_fields")
        if fields is None:
            fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
        kwargs["update_fields"] = [f for f in fields if f != "version"]
        super().save(*args, **kwargs)
        watched = {name.removesuffix("_id") for name in WATCHED}
        if watched & {f.removesuffix("_id") for f in kwargs["update_fields"]}:
            self.refresh_from_db(fields=["version", "updated_at"])


class ChangeOperation(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    CANCELLED = "cancelled", "Cancelled"
    DELETED = "deleted", "Deleted"


class AppointmentChange(models.Model):
    """One change of an appointment, written by the database in the transaction that made
    it (scheduling.change_triggers): no write path, the admin and raw SQL included, can
    change an appointment without it. On PostgreSQL `xid` is the writing transaction's id
    (`pg_current_xact_id()`); the changes feed reads only below the oldest transaction
    still running (scheduling.sync), so a change that commits late is never skipped. On
    SQLite, one writer at a time, `xid` is 0 and the id's order is the commit order.

    No foreign key to the appointment: a deletion's row outlives it (a tombstone)."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey(
        "mesoplan.Practice", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    appointment_id = models.UUIDField()
    xid = models.BigIntegerField()
    operation = models.CharField(max_length=16, choices=ChangeOperation.choices)
    version = models.PositiveIntegerField()
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "xid", "id"], name="change_feed_idx"),
            models.Index(fields=["appointment_id", "xid", "id"], name="change_newer_idx"),
            models.Index(fields=["at"], name="change_retention_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.appointment_id} v{self.version}"


class ChangeHorizon(models.Model):
    """How far the change history has been pruned, per practice (scheduling.sync): a
    token at or before this position may have missed deleted history and answers 410."""

    practice = models.OneToOneField(
        "mesoplan.Practice", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    xid = models.BigIntegerField()
    change_id = models.BigIntegerField()
    pruned_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"pruned to ({self.xid}, {self.change_id})"


class RecallEntry(models.Model):
    """A patient due for maintenance after a course (DOMAIN.md: every 3-6 months), kept by
    a beat task (scheduling.recall). Resolved once a maintenance session is booked in or
    after the window's start, or when the practice dismisses it."""

    id = models.BigAutoField(primary_key=True)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="recall")
    last_session_on = models.DateField()
    due_from = models.DateField()
    due_until = models.DateField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["due_from", "id"]
        verbose_name_plural = "recall entries"
        indexes = [
            models.Index(fields=["practice", "resolved_at", "due_from"], name="recall_due_idx")
        ]
        constraints = [
            models.CheckConstraint(
                name="recall_window_ordered", condition=Q(due_from__lte=F("due_until"))
            )
        ]

    def __str__(self) -> str:
        return f"Maintenance due {practice_date(self.due_from)} to {practice_date(self.due_until)}"
