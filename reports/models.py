"""The Meso-Report's two tables.

`SurveyedCourse` is the rollup the statistics read: one row per surveyed course, with
every filter the report offers already resolved (protocol, practice, quarter, target, sex,
age band, sessions completed). It is written in the same transaction as the survey and
kept current as the course's sessions are recorded (reports.rollup), so a report is one
GROUP BY over an index instead of a join over patients, courses, appointments and
sessions. Synthetic rows (the demo, the Meso-Report 2015 recreation) say so.

`Report` is a build: requested, then built once by the worker into an immutable snapshot
(parameters, result, who asked, when, build time, data as of)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from mesoplan.tenancy import PracticeScopedManager
from outcomes.models import Rating


class AgeBand(models.TextChoices):
    """The patient's age on the survey date (reports.rollup.age_band)."""

    UNDER_30 = "18-29", "18 to 29"
    THIRTIES = "30-39", "30 to 39"
    FORTIES = "40-49", "40 to 49"
    FIFTIES = "50-59", "50 to 59"
    SIXTY_PLUS = "60+", "60 and over"


class SurveyedCourse(models.Model):
    """One surveyed course, as the Meso-Report counts it (DOMAIN.md: the unit is the
    surveyed course). `protocol` is the protocol's code, or "other" for a recreated
    survey answer that belongs to neither formulation."""

    id = models.BigAutoField(primary_key=True)
    course = models.OneToOneField(
        "scheduling.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey("mesoplan.Network", on_delete=models.PROTECT, related_name="+")
    protocol = models.CharField(max_length=32)
    target = models.CharField(max_length=32, blank=True)
    sex = models.CharField(max_length=8)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    sessions_completed = models.PositiveSmallIntegerField(default=0)
    surveyed_on = models.DateField()
    rating = models.CharField(max_length=16, choices=Rating.choices)
    synthetic = models.BooleanField(default=False)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        indexes = [
            # A manager's report, and the network's per-practice comparison: one practice's
            # rows in survey order, their counts read from the index alone.
            models.Index(
                fields=["practice", "surveyed_on", "protocol", "rating"],
                name="surveyed_practice_idx",
            ),
            # The network's report counts by practice too: with it in the index the
            # one GROUP BY (reports.satisfaction.grouped) reads the index alone.
            models.Index(
                fields=["network", "surveyed_on", "protocol", "rating", "practice"],
                name="surveyed_network_practice_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="surveyed_sessions_range", condition=Q(sessions_completed__range=(0, 8))
            ),
            models.CheckConstraint(
                name="surveyed_rating_known", condition=Q(rating__in=Rating.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} survey {self.surveyed_on}"


class ReportKind(models.TextChoices):
    MESO_REPORT = "meso_report", "Meso-Report"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the worker"
    RUNNING = "running", "Being built"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Report(models.Model):
    """A report build. Pending and running ones move forward; a done or failed one never
    changes again (the database refuses it, reports 0002). One pending build per
    identical request and scope (`request_key`): the same request joins it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, choices=ReportKind.choices)
    # A manager's report belongs to their practice; a network admin's to the network.
    practice = models.ForeignKey(
        "mesoplan.Practice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    network = models.ForeignKey("mesoplan.Network", on_delete=models.PROTECT, related_name="+")
    parameters = models.JSONField(default=dict)
    request_key = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_ms = models.PositiveIntegerField(null=True, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request_key"],
                condition=Q(status__in=["pending", "running"]),
                name="report_one_build_per_request",
            ),
            models.CheckConstraint(
                name="report_done_has_result",
                condition=~Q(status="done") | Q(result__isnull=False, built_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["network", "practice", "-requested_at"], name="report_scope_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)
