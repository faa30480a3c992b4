"""Browser forms for intake. Shape only: services decide."""

from typing import cast

from django import forms

from mesoplan.date_entry import PracticeDateField
from mesoplan.models import DateFormat
from patients.models import Patient, Sex, TherapyGoal
from patients.plausibility import birth_date_error, onset_error
from patients.screening import CONDITION_GROUPS, CONDITIONS, Severity
from protocols.models import Indication


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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


def _condition_choice(code: str) -> tuple[str, str]:
    return code, CONDITIONS[code].label


class ScreeningForm(forms.Form):
    """Answers of one screening. Conditions are grouped as the article groups them."""

    indication = forms.ChoiceField(choices=Indication.choices, widget=forms.RadioSelect)
    allergies = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Allergic to an ingredient"
    )
    other_allergies = forms.CharField(
        required=False,
        max_length=500,
        label="Other allergies",
        help_text="Comma-separated, e.g. penicillin, latex. Kept with the screening.",
    )
    hair_loss_onset = forms.DateField(
        required=False, widget=DateInput(), label="Hair loss began on (about)"
    )
    insurance_options_considered = forms.BooleanField(
        required=False, label="Procedures covered by statutory health insurance were considered"
    )
    therapy_goal = forms.ChoiceField(
        required=False, choices=TherapyGoal.choices, widget=forms.RadioSelect, label="Therapy goal"
    )
    prognosis_explained = forms.BooleanField(
        required=False, label="Limited prognosis of male hair loss explained to the patient"
    )
    informed_consent = forms.BooleanField(required=False, label="The patient gave informed consent")
    expectations_acknowledged = forms.BooleanField(
        required=False,
        label="The patient understands the treatment is regenerative: several sessions, "
        "no immediate result",
    )

    def __init__(self, *args, today, ingredients=(), patient=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today  # the practice's today (mesoplan.clock.practice_today)
        self.patient = patient
        cast(forms.ChoiceField, self.fields["allergies"]).choices = [
            (i.code, f"{i.name} (catalyst)" if i.is_catalyst else i.name) for i in ingredients
        ]
        self.ingredients = list(ingredients)
        self.condition_fields = []
        for index, (title, codes) in enumerate(CONDITION_GROUPS):
            name = f"conditions_{index}"
            self.fields[name] = forms.MultipleChoiceField(
                required=False,
                choices=[_condition_choice(c) for c in codes],
                widget=forms.CheckboxSelectMultiple,
                label=title,
            )
            severity = CONDITIONS[codes[0]].severity
            self.condition_fields.append((name, severity == Severity.RELATIVE))

    def clean(self):
        data = super().clean() or {}
        born = self.patient.date_of_birth if self.patient else None
        error = onset_error(data.get("hair_loss_onset"), born, today=self.today)
        if error:
            self.add_error("hair_loss_onset", error)
        return data

    def answers(self) -> dict:
        """The cleaned answers as the create_screening service takes them."""
        data = self.cleaned_data
        conditions = [c for name, _ in self.condition_fields for c in data.get(name, [])]
        other = [a.strip() for a in data.get("other_allergies", "").split(",") if a.strip()]
        return {
            "indication": data["indication"],
            "conditions": conditions,
            "allergies": [*data.get("allergies", []), *other],
            "hair_loss_onset": data.get("hair_loss_onset"),
            "insurance_options_considered": data.get("insurance_options_considered", False),
            "therapy_goal": data.get("therapy_goal") or None,
            "prognosis_explained": data.get("prognosis_explained", False),
            "informed_consent": data.get("informed_consent", False),
            "expectations_acknowledged": data.get("expectations_acknowledged", False),
        }


class AcknowledgeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Reason for proceeding",
        help_text="E.g. psoriasis stable, no lesions in the treatment area.",
    )
