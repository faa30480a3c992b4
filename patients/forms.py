"""Browser forms for intake. Shape only: services decide."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django import forms
from django.db import models

from mesoplan.date_entry import PracticeDateField, PracticeMonthField
from mesoplan.models import DateFormat
from patients.models import Patient, Screening, Sex, TherapyGoal
from patients.plausibility import birth_date_error, onset_error
from patients.screening import CONDITION_GROUPS, CONDITIONS, Severity
from protocols.models import Indication


class PatientForm(forms.ModelForm):
    date_of_birth = PracticeDateField(label="Date of birth")
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person: create a new record anyway",
    )

    class Meta:
        model = Patient
        fields = ["first_name", "last_name", "date_of_birth", "sex", "email", "phone"]
        widgets = {
            "sex": forms.RadioSelect,
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {"phone": "With country code, or a German number as dialled locally."}

    def __init__(self, *args, today, date_format=DateFormat.DMY_DOT, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today  # the practice's today (mesoplan.clock.practice_today)
        cast(PracticeDateField, self.fields["date_of_birth"]).use_format(date_format)
        cast(forms.ChoiceField, self.fields["sex"]).choices = Sex.choices  # no blank radio

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        error = birth_date_error(value, today=self.today)
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


YES, NO = "yes", "no"
NOT_ANSWERED = "Answer Yes or No."


def _is_yes(value: str) -> bool:
    return value == YES


class YesNoField(forms.TypedChoiceField):
    """An explicit answer. Nothing is pre-selected, and a blank is "not answered", never
    "no" (DOMAIN.md, "Ready to book": every question is answered)."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": NOT_ANSWERED})
        super().__init__(choices=[(YES, "Yes"), (NO, "No")], coerce=_is_yes, **kwargs)
        self.empty_value = None
        if not self.required:  # asked only in some cases: the form checks it (see clean)
            self.widget.attrs["required"] = True

    def prepare_value(self, value):
        # A stored answer (True/False) selects its radio when a screening is repeated.
        return {True: YES, False: NO}.get(value, value) if isinstance(value, bool) else value


class AllergyStatus(models.TextChoices):
    NONE = "none", "No known allergies"
    NAMED = "named", "Yes: named below"


@dataclass(frozen=True)
class ConditionGroup:
    """One of CONDITION_GROUPS as the form asks it: a Yes/No per condition, and one
    "None of these apply" that answers every condition of the group with No."""

    key: str  # "permanent" | "temporary" | "relative"
    title: str
    codes: tuple[str, ...]

    @property
    def none_name(self) -> str:
        return f"none_{self.key}"

    @property
    def is_relative(self) -> bool:
        return self.key == "relative"


def condition_field(code: str) -> str:
    return f"condition_{code}"


def _group_key(codes: list[str]) -> str:
    first = CONDITIONS[codes[0]]
    return "relative" if first.severity == Severity.RELATIVE else str(first.kind)


HAIR_QUESTIONS = (
    "hair_loss_onset",
    "therapy_goal",
    "insurance_options_considered",
    "prognosis_explained",
)


class ScreeningForm(forms.Form):
    """Answers of one screening: every question asked gets an explicit answer.

    Questions that cannot apply are not asked: no pregnancy question for a male patient,
    hair questions only for the hair indication (the server asks for them only then),
    the prognosis question only for a man with hair loss.
    """

    indication = forms.ChoiceField(
        choices=Indication.choices,
        widget=forms.RadioSelect,
        label="Indication",
        error_messages={"required": "Choose the indication to screen for."},
    )
    allergy_status = forms.ChoiceField(
        choices=AllergyStatus.choices,
        widget=forms.RadioSelect,
        label="Does the patient have any allergies?",
        error_messages={"required": "Choose “No known allergies”, or name the allergies."},
    )
    allergies = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Allergic to an ingredient"
    )
    other_allergies = forms.CharField(
        required=False,
        max_length=500,
        label="Other allergies",
        help_text="Comma-separated, e.g. penicillin, latex. Kept with the screening.",
    )
    hair_loss_onset = PracticeMonthField(required=False, label="Hair loss began")
    therapy_goal = forms.ChoiceField(
        required=False, choices=TherapyGoal.choices, widget=forms.RadioSelect, label="Therapy goal"
    )
    insurance_options_considered = YesNoField(
        required=False,
        label="Were procedures covered by statutory health insurance considered first?",
    )
    prognosis_explained = YesNoField(
        required=False,
        label="Was the limited prognosis of male hair loss explained to the patient?",
    )
    informed_consent = YesNoField(label="Has the patient given informed consent?")
    expectations_acknowledged = YesNoField(
        label="Does the patient understand the treatment is regenerative: several sessions, "
        "no immediate result?"
    )

    def __init__(
        self,
        *args,
        today,
        patient,
        ingredients=(),
        previous: Screening | None = None,
        date_format=DateFormat.DMY_DOT,
        **kwargs,
    ):
        self.ingredients = list(ingredients)
        if previous is not None:  # "screen again": start from the latest answers
            kwargs["initial"] = {
                **answers_as_initial(previous, (i.code for i in self.ingredients)),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.today = today  # the practice's today (mesoplan.clock.practice_today)
        self.patient = patient
        self.is_male = patient.sex == Sex.MALE
        self.previous = previous
        cast(forms.ChoiceField, self.fields["allergies"]).choices = [
            (i.code, f"{i.name} (catalyst)" if i.is_catalyst else i.name) for i in self.ingredients
        ]
        cast(PracticeMonthField, self.fields["hair_loss_onset"]).use_format(date_format)
        for name in ("hair_loss_onset", "therapy_goal"):  # asked, and required, for hair
            self.fields[name].widget.attrs["required"] = True
        if not self.is_male:
            del self.fields["prognosis_explained"]
        self.condition_groups: list[ConditionGroup] = []
        for title, codes in CONDITION_GROUPS:
            asked = tuple(c for c in codes if not (self.is_male and c == "pregnancy"))
            group = ConditionGroup(_group_key(codes), title, asked)
            self.condition_groups.append(group)
            none_apply = forms.BooleanField(required=False, label="None of these apply")
            none_apply.summary_label = f"{title}: none of these apply"  # type: ignore[attr-defined]
            self.fields[group.none_name] = none_apply
            for code in asked:
                self.fields[condition_field(code)] = YesNoField(
                    required=False, label=CONDITIONS[code].label
                )
        # Page order, so the error summary lists the questions as the page asks them.
        self.order_fields(
            [
                "indication",
                *(
                    name
                    for g in self.condition_groups
                    for name in (g.none_name, *map(condition_field, g.codes))
                ),
                "allergy_status",
                "allergies",
                "other_allergies",
                *HAIR_QUESTIONS,
            ]
        )

    # --- what the template walks ------------------------------------------------------
    def condition_sections(self) -> list[dict]:
        return [
            {
                "group": group,
                "none": self[group.none_name],
                "questions": [self[condition_field(c)] for c in group.codes],
            }
            for group in self.condition_groups
        ]

    # --- validation -------------------------------------------------------------------
    def clean(self):
        data = super().clean() or {}
        for group in self.condition_groups:
            self._clean_condition_group(group, data)
        self._clean_allergies(data)
        if data.get("indication") != Indication.HAIR:
            for name in HAIR_QUESTIONS:  # not asked: neither answers nor errors count
                self.errors.pop(name, None)
                data.pop(name, None)
            return data
        for name in HAIR_QUESTIONS:
            if name in self.fields and name not in self.errors and data.get(name) in (None, ""):
                self.add_error(name, self._unanswered(name))
        born = self.patient.date_of_birth
        error = onset_error(data.get("hair_loss_onset"), born, today=self.today)
        if error and "hair_loss_onset" not in self.errors:
            self.add_error("hair_loss_onset", error)
        return data

    def _unanswered(self, name: str) -> str:
        if name == "hair_loss_onset":
            return "Enter the month and year the hair loss began."
        if name == "therapy_goal":
            return "Choose the therapy goal."
        return NOT_ANSWERED

    def _clean_condition_group(self, group: ConditionGroup, data: dict) -> None:
        names = [condition_field(c) for c in group.codes]
        if data.get(group.none_name):
            said_yes = [str(self.fields[n].label) for n in names if data.get(n) is True]
            if said_yes:
                self.add_error(
                    group.none_name,
                    f"“None of these apply” is ticked, but {_and(said_yes)} "
                    f"{'is' if len(said_yes) == 1 else 'are'} answered Yes: answer No "
                    "there, or untick “None of these apply”.",
                )
            for name in names:  # the shortcut answers every condition of the group: No
                data[name] = False if data.get(name) is None else data[name]
            return
        for name in names:
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, "Answer Yes or No, or tick “None of these apply”.")

    def _clean_allergies(self, data: dict) -> None:
        named = [*data.get("allergies", []), *_split_allergies(data.get("other_allergies", ""))]
        status = data.get("allergy_status")
        if status == AllergyStatus.NAMED and not named:
            self.add_error(
                "allergies", "Name at least one allergy, or choose “No known allergies”."
            )
        elif status == AllergyStatus.NONE and named:
            self.add_error(
                "allergy_status",
                f"“No known allergies” is chosen, but {_and(named)} "
                f"{'is' if len(named) == 1 else 'are'} named: choose one.",
            )

    def answers(self) -> dict:
        """The cleaned answers as the create_screening service takes them."""
        data = self.cleaned_data
        is_hair = data["indication"] == Indication.HAIR
        conditions = [
            code
            for group in self.condition_groups
            for code in group.codes
            if data.get(condition_field(code)) is True
        ]
        allergies = (
            [*data.get("allergies", []), *_split_allergies(data.get("other_allergies", ""))]
            if data.get("allergy_status") == AllergyStatus.NAMED
            else []
        )
        return {
            "indication": data["indication"],
            "conditions": conditions,
            "allergies": allergies,
            "hair_loss_onset": data.get("hair_loss_onset") if is_hair else None,
            "insurance_options_considered": (
                data.get("insurance_options_considered") if is_hair else None
            ),
            "therapy_goal": (data.get("therapy_goal") or None) if is_hair else None,
            "prognosis_explained": data.get("prognosis_explained") if is_hair else None,
            "informed_consent": data["informed_consent"],
            "expectations_acknowledged": data["expectations_acknowledged"],
        }


def _split_allergies(text: str) -> list[str]:
    return [a.strip() for a in (text or "").split(",") if a.strip()]


def _and(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def answers_as_initial(screening: Screening, ingredient_codes: Iterable[str]) -> dict:
    """A stored screening's answers as the form's initial values, so "screen again"
    starts from them and the clinician changes only what changed."""
    codes = set(ingredient_codes)
    initial: dict = {
        "indication": screening.indication,
        "allergy_status": AllergyStatus.NAMED if screening.allergies else AllergyStatus.NONE,
        "allergies": [a for a in screening.allergies if a in codes],
        "other_allergies": ", ".join(a for a in screening.allergies if a not in codes),
        "informed_consent": screening.informed_consent,
        "expectations_acknowledged": screening.expectations_acknowledged,
    }
    for code in CONDITIONS:
        initial[condition_field(code)] = code in screening.conditions
    if screening.indication == Indication.HAIR:
        initial.update(
            hair_loss_onset=screening.hair_loss_onset,
            therapy_goal=screening.therapy_goal or None,
            insurance_options_considered=screening.insurance_options_considered,
            prognosis_explained=screening.prognosis_explained,
        )
    return initial


class AcknowledgeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Reason for proceeding",
        help_text="E.g. psoriasis stable, no lesions in the treatment area.",
    )
