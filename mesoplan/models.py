"""Networks, member practices and staff accounts (one practice per clinician or manager)."""

import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .date_display import in_active_zone, practice_datetime
from .roles import Role
from .tenancy import PracticeScopedManager, PracticeScopedQuerySet


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone.")


class Network(models.Model):
    """A group of member practices that pools anonymous outcome statistics."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    # Network admins see every member practice's figures: a second factor by default.
    second_factor_for_admins = models.BooleanField(
        default=True, help_text="Network admins must sign in with a second factor."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class DateFormat(models.TextChoices):
    """How the practice writes dates. Forms show the pattern, so an entry never depends on
    the browser's locale (is 03/04 March or April?)."""

    DMY_DOT = "dmy_dot", "31.12.2026 (DD.MM.YYYY)"
    DMY_SLASH = "dmy_slash", "31/12/2026 (DD/MM/YYYY)"
    ISO = "iso", "2026-12-31 (YYYY-MM-DD)"
    MDY_SLASH = "mdy_slash", "12/31/2026 (MM/DD/YYYY)"


class Practice(models.Model):
    """One clinic. Patients, appointments and records belong to exactly one practice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="practices")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(
        max_length=64,
        default=settings.DEFAULT_PRACTICE_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Used to display times and to plan sessions (stored in UTC).",
    )
    date_format = models.CharField(
        max_length=16,
        choices=DateFormat.choices,
        default=DateFormat.DMY_DOT,
        help_text="How dates are typed in forms at this practice.",
    )
    # On for new practices (API.md); the demo's practices are seeded with it off.
    second_factor_for_managers = models.BooleanField(
        default=True, help_text="Practice managers must sign in with a second factor."
    )
    second_factor_for_clinicians = models.BooleanField(
        default=False, help_text="Clinicians must sign in with a second factor."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class StaffManager(DjangoUserManager.from_queryset(PracticeScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff account. Clinicians and managers belong to one practice; network admins
    belong to a network and see only its aggregated, anonymous statistics."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CLINICIAN)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, null=True, blank=True, related_name="admins"
    )

    # Bumped to revoke the clinician's private calendar subscription URL.
    calendar_feed_version = models.PositiveIntegerField(default=1)
    # Set with a temporary password from the staff page: changed at the next sign-in.
    must_change_password = models.BooleanField(default=False)

    practice_path = "practice"
    objects = StaffManager()  # type: ignore[misc]  # adds for_actor to UserManager

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(role=Role.NETWORK_ADMIN, network__isnull=False, practice__isnull=True)
                    | (~Q(role=Role.NETWORK_ADMIN) & Q(practice__isnull=False))
                    # Superusers created on the command line may have no scope yet.
                    | Q(is_superuser=True)
                ),
            ),
            # Staff type usernames by hand and the lock-out counts per typed name: two
            # that differ only in case are one, and two parallel creations cannot both
            # win (a check in Python alone lost that race).
            models.UniqueConstraint(Lower("username"), name="username_unique_ignoring_case"),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class IdempotencyKey(models.Model):
    """A POST's Idempotency-Key, scoped to practice and user, with the response it gave."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight"
        DONE = "done"

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, null=True)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_FLIGHT)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class AuditEntry(models.Model):
    """Who did what to which record, when, and from where (append-only: the database
    refuses UPDATE and, on PostgreSQL, DELETE). Written by `mesoplan.audit.record` in the
    same transaction as the change it describes; reads of clinical records too.

    The foundation knows no clinical models, so the object is named by type and id, and
    the patient it concerns by id alone (for the per-patient trail)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.UUIDField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["practice", "-at", "-id"], name="audit_practice_at_idx"),
            models.Index(fields=["practice", "patient_id", "-at"], name="audit_patient_idx"),
            models.Index(fields=["practice", "actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{practice_datetime(in_active_zone(self.at))} {self.actor_name or 'system'} {self.action}"


class ApiToken(models.Model):
    """A named API token of one user. Only a hash of the key is kept: the key is shown
    once, when it is issued (mesoplan/auth/tokens.py). A token works until it expires or
    is revoked; revoking is a timestamp, so the list shows what was revoked and when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the key, hex
    prefix = models.CharField(max_length=8)  # the key's first characters, to recognise it
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
