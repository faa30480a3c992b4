"""Patients, screenings and caution acknowledgements.

Screenings and acknowledgements are append-only clinical records: there is no update
path in services or the API, and the database refuses UPDATE (and on PostgreSQL DELETE)
of their rows (migration 0002). A patient's own details may change; simple-history keeps
every version with who and when.
"""

import uuid

from django.conf import settings
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from mesoplan.date_display import in_active_zone, practice_date, practice_datetime
from mesoplan.tenancy import PracticeScopedManager
from protocols.models import Indication

from .readiness import Readiness, facts_of, ready_to_book
from .screening import Outcome


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class TherapyGoal(models.TextChoices):
    REGROWTH = "regrowth", "Regrowth: reactivate follicles"
    STABILISE = "stabilise", "Stabilise: stop loss, strengthen existing hair"


class Patient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(
        "mesoplan.Practice", on_delete=models.PROTECT, related_name="patients"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=8, choices=Sex.choices)
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["last_name", "first_name", "date_of_birth"]
        indexes = [
            # The list's order with its unique tie-breaker: keyset pages start here.
            models.Index(
                fields=["practice", "last_name", "first_name", "date_of_birth", "id"],
                name="patient_order_idx",
            ),
            models.Index(fields=["practice", "date_of_birth"], name="patient_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Screening(models.Model):
    """One contraindication screening, stored exactly as answered and evaluated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    indication = models.CharField(max_length=8, choices=Indication.choices)
    # The answers, as given.
    conditions = models.JSONField(default=list)
    allergies = models.JSONField(default=list)
    hair_loss_onset = models.DateField(null=True, blank=True)
    insurance_options_considered = models.BooleanField(null=True)
    therapy_goal = models.CharField(max_length=16, choices=TherapyGoal.choices, blank=True)
    prognosis_explained = models.BooleanField(null=True)
    informed_consent = models.BooleanField(default=False)
    expectations_acknowledged = models.BooleanField(default=False)
    # The evaluation, as it was at the time.
    findings = models.JSONField(default=list)
    outcome = models.CharField(max_length=16, choices=[(o.value, o.name.title()) for o in Outcome])
    rule_set_version = models.CharField(max_length=32)
    # Formulations the patient had an allergic reaction to since a clinician last screened
    # them (an adverse event carries it here): none of them is used until the next
    # screening a clinician answers, which starts without them.
    reactions = models.JSONField(null=True, blank=True, editable=False)
    # What carried a new finding into this screening (patients.carry_forward): a
    # pre-session check (an allergy, a herpes tendency) or an adverse event (an allergic
    # reaction), by id (sessions is a layer above: no foreign key) and in words. Null for
    # a screening a clinician answered. Nullable so that adding them never rebuilt the
    # append-only table.
    carried_from = models.UUIDField(null=True, blank=True, editable=False)
    carried_from_label = models.CharField(max_length=200, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    practice_path = "patient__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["patient", "indication", "-created_at"], name="screening_latest_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_indication_display()} screening of {self.patient}: {self.outcome}"

    @property
    def is_carried_forward(self) -> bool:
        return self.carried_from is not None

    @property
    def reaction_codes(self) -> tuple[str, ...]:
        return tuple(self.reactions or ())

    @property
    def needs_acknowledgement(self) -> bool:
        return self.outcome == Outcome.CAUTION and not hasattr(self, "acknowledgement")

    @property
    def readiness(self) -> Readiness:
        """The booking gate on this screening. Needs the `is_latest` annotation that
        `patients.selectors.screenings_for` adds (a superseded screening is never ready)."""
        return ready_to_book(
            self.indication,
            facts_of(self, patient_sex=self.patient.sex, is_latest=self.is_latest),  # type: ignore[attr-defined]
        )


class ScreeningAcknowledgement(models.Model):
    """A clinician's recorded decision to proceed despite relative contraindications."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    screening = models.OneToOneField(
        Screening, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    practice_path = "screening__patient__practice"
    objects = PracticeScopedManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="acknowledgement_has_reason", condition=~models.Q(reason="")
            )
        ]

    def __str__(self) -> str:
        return f"Acknowledged by {self.by} at {practice_datetime(in_active_zone(self.at))}"


class PhotographyConsent(models.Model):
    """The patient's consent to clinical photography, given or withdrawn: append-only, the
    newest row is the patient's current answer. A photo needs it (outcomes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="photography_consents"
    )
    given = models.BooleanField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    practice_path = "patient__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "-at"], name="photo_consent_latest_idx")]

    def __str__(self) -> str:
        return f"Photography consent {'given' if self.given else 'withdrawn'} {practice_date(in_active_zone(self.at))}"
