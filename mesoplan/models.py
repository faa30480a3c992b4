"""Networks, member practices and staff accounts (one practice per clinician or manager)."""

import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .roles import Role
from .tenancy import PracticeScopedQuerySet


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone.")


class Network(models.Model):
    """A group of member practices that pools anonymous outcome statistics."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


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
            )
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
