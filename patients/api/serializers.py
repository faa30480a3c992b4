"""Patient and screening representations (API.md, "Patients" and "Screenings")."""

from datetime import date

from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from mesoplan.api.strict import StrictModelSerializer, StrictSerializer
from mesoplan.clock import practice_today
from patients.models import Patient, Screening, TherapyGoal
from patients.plausibility import birth_date_error, onset_error
from patients.screening import CONDITIONS, unknown_condition_codes
from protocols.models import Indication


class E164PhoneNumberField(PhoneNumberField):
    """Accepts any dialable form (national numbers in the practice's default region);
    answers in E.164, the form other systems store and match."""

    def to_representation(self, value):
        return value.as_e164 if value else ""


def practice_today_of(serializer: serializers.BaseSerializer) -> date:
    """Today at the requesting user's practice (plausibility never uses the server's zone)."""
    return practice_today(serializer.context["request"].user.practice)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class PhotographyConsentSerializer(serializers.Serializer):
    given = serializers.BooleanField(help_text="True: consent given; false: withdrawn.")
    at = serializers.DateTimeField(read_only=True)


class PhotographyConsentCreateSerializer(StrictSerializer):
    given = serializers.BooleanField(help_text="True to record consent, false to withdraw it.")


class PatientSerializer(StrictModelSerializer):
    phone = E164PhoneNumberField(required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    date_of_birth = serializers.DateField()
    possible_duplicates = serializers.SerializerMethodField(
        help_text="On create: ids of existing patients of the practice with the same name "
        "and date of birth (a warning; the patient is created)."
    )
    ready_to_book = serializers.SerializerMethodField(
        help_text="Per indication: whether a course may be booked now (the gate "
        "POST /courses/ applies)."
    )
    ready_to_book_reasons = serializers.SerializerMethodField(
        help_text="Per indication: why not, when `ready_to_book` is false (empty when true)."
    )
    photography_consent = serializers.SerializerMethodField(
        help_text="The patient's current answer to clinical photography (`given`, `at`), "
        "or null if never asked. Set with POST /patients/{id}/photography-consent/."
    )

    class Meta:
        model = Patient
        fields = [
            "id",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "created_at",
            "updated_at",
            "possible_duplicates",
            "ready_to_book",
            "ready_to_book_reasons",
            "photography_consent",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def _readiness(self, obj) -> dict:
        return self.context.get("readiness", {}).get(obj.pk, {})

    @extend_schema_field(
        serializers.DictField(child=serializers.BooleanField(), help_text="skin, hair")
    )
    def get_ready_to_book(self, obj) -> dict[str, bool]:
        return {ind: r.is_ready for ind, r in self._readiness(obj).items()}

    @extend_schema_field(serializers.DictField(child=ReasonSerializer(many=True)))
    def get_ready_to_book_reasons(self, obj) -> dict[str, list[dict]]:
        return {
            ind: [reason.as_dict() for reason in r.reasons]
            for ind, r in self._readiness(obj).items()
        }

    @extend_schema_field(PhotographyConsentSerializer(allow_null=True))
    def get_photography_consent(self, obj) -> dict | None:
        consent = self.context.get("photography_consents", {}).get(obj.pk)
        return PhotographyConsentSerializer(consent).data if consent else None

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_possible_duplicates(self, obj) -> list[str]:
        return [str(pk) for pk in self.context.get("possible_duplicates", {}).get(obj.pk, [])]

    def validate_date_of_birth(self, value: date) -> date:
        error = birth_date_error(value, today=practice_today_of(self))
        if error:
            raise serializers.ValidationError(error)
        return value

    def validate_first_name(self, value: str) -> str:
        return _required_text(value)

    def validate_last_name(self, value: str) -> str:
        return _required_text(value)


def _required_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise serializers.ValidationError("This field may not be blank.")
    return value


class PatientVersionSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField()
    kind = serializers.ChoiceField(choices=["created", "changed"])
    changes = serializers.SerializerMethodField()

    def get_changes(self, obj) -> list[dict]:
        return [{"field": c.field, "old": str(c.old), "new": str(c.new)} for c in obj.changes]


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["absolute", "relative", "advisory"])
    message = serializers.CharField()
    action = serializers.CharField(required=False)
    effect = serializers.CharField(required=False)


class AcknowledgementSerializer(serializers.Serializer):
    reason = serializers.CharField()
    by = serializers.UUIDField(source="by_id")
    by_name = serializers.CharField(source="by.display_name")
    at = serializers.DateTimeField()


class ScreeningCreateSerializer(StrictSerializer):
    """The answers. Conditions are DOMAIN.md codes; allergies ingredient codes (free text
    is kept, and matched by code or name)."""

    indication = serializers.ChoiceField(choices=Indication.choices)
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=50
    )
    allergies = serializers.ListField(
        child=serializers.CharField(max_length=120, allow_blank=True),
        required=False,
        default=list,
        max_length=50,
    )
    hair_loss_onset = serializers.DateField(required=False, allow_null=True, default=None)
    insurance_options_considered = serializers.BooleanField(
        required=False, allow_null=True, default=None
    )
    therapy_goal = serializers.ChoiceField(
        choices=TherapyGoal.choices, required=False, allow_null=True, default=None
    )
    prognosis_explained = serializers.BooleanField(required=False, allow_null=True, default=None)
    informed_consent = serializers.BooleanField(required=False, default=False)
    expectations_acknowledged = serializers.BooleanField(required=False, default=False)

    HAIR_ONLY = ("hair_loss_onset", "insurance_options_considered", "therapy_goal")

    def validate_conditions(self, value: list[str]) -> list[str]:
        unknown = unknown_condition_codes(value)
        if unknown:
            known = ", ".join(CONDITIONS)
            raise serializers.ValidationError(
                [f'Unknown condition code "{code}". Known codes: {known}.' for code in unknown]
            )
        return value

    def validate(self, attrs: dict) -> dict:
        if attrs["indication"] != Indication.HAIR:
            given = [name for name in self.HAIR_ONLY if attrs.get(name) is not None]
            if given:
                raise serializers.ValidationError(
                    {name: ["Only for indication 'hair'."] for name in given}
                )
        patient = self.context.get("patient")
        error = onset_error(
            attrs.get("hair_loss_onset"),
            patient.date_of_birth if patient else None,
            today=practice_today_of(self),
        )
        if error:
            raise serializers.ValidationError({"hair_loss_onset": [error]})
        return attrs


class ScreeningSerializer(serializers.ModelSerializer):
    findings = FindingSerializer(many=True)
    acknowledgement = serializers.SerializerMethodField()
    needs_acknowledgement = serializers.BooleanField(read_only=True)
    created_by_name = serializers.CharField(source="created_by.display_name", read_only=True)
    therapy_goal = serializers.SerializerMethodField()
    ready_to_book = serializers.SerializerMethodField(
        help_text="Whether a course may be booked on this screening (the gate "
        "POST /courses/ applies): false for a superseded screening."
    )
    ready_to_book_reasons = ReasonSerializer(
        many=True, read_only=True, source="readiness.reasons", help_text="Why not."
    )
    carried_from = serializers.UUIDField(
        read_only=True,
        allow_null=True,
        help_text="The pre-session check this screening carries a new finding from "
        "(an allergy, a condition), or null for a screening a clinician answered.",
    )
    carried_from_label = serializers.CharField(
        read_only=True, allow_null=True, help_text="Where that check happened, in words."
    )

    class Meta:
        model = Screening
        fields = [
            "id",
            "patient",
            "indication",
            "conditions",
            "allergies",
            "hair_loss_onset",
            "insurance_options_considered",
            "therapy_goal",
            "prognosis_explained",
            "informed_consent",
            "expectations_acknowledged",
            "outcome",
            "findings",
            "rule_set_version",
            "needs_acknowledgement",
            "acknowledgement",
            "ready_to_book",
            "ready_to_book_reasons",
            "carried_from",
            "carried_from_label",
            "created_by",
            "created_by_name",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=TherapyGoal.choices, allow_null=True))
    def get_therapy_goal(self, obj) -> str | None:
        return obj.therapy_goal or None

    def get_ready_to_book(self, obj) -> bool:
        return obj.readiness.is_ready

    @extend_schema_field(AcknowledgementSerializer(allow_null=True))
    def get_acknowledgement(self, obj) -> dict | None:
        ack = getattr(obj, "acknowledgement", None)
        return AcknowledgementSerializer(ack).data if ack else None


class AcknowledgeSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=False, trim_whitespace=True)
