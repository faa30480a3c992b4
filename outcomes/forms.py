"""Browser forms of a session's outcomes (measures, a photo) and of a course's survey.
Shape only: outcomes/measures.py, outcomes/photos.py and outcomes/surveys.py decide."""

from collections.abc import Sequence
from typing import cast

from django import forms

from protocols.regions import Region

from .measures import HAIR_DENSITY, PATIENT_RATING, Range
from .models import GaisScore, PhotoPhase, Rating

ACCEPTED_IMAGES = "image/jpeg,image/png,image/webp"
PATIENT_QUESTION = "How satisfied are you with the result of your treatment?"


def _number(spec: Range, label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=spec.low,
        max_value=spec.high,
        help_text=help_text,
        error_messages={"min_value": spec.label, "max_value": spec.label},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class MeasureForm(forms.Form):
    gais = forms.TypedChoiceField(
        label="GAIS",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not rated"), *GaisScore.choices],
        help_text="Global Aesthetic Improvement Scale, as you rate it.",
    )
    hair_density_per_cm2 = _number(HAIR_DENSITY, "Hair density (hairs/cm²)", "1 to 1000.")
    patient_rating = _number(PATIENT_RATING, "Patient's rating", "0 (worst) to 10 (best).")

    def __init__(self, *args, **kwargs):
        # Every measure is optional, but an entry has one: the service says which.
        kwargs.setdefault("prefix", "measure")
        super().__init__(*args, **kwargs)


class PhotoForm(forms.Form):
    phase = forms.ChoiceField(
        label="Taken", choices=PhotoPhase.choices, widget=forms.RadioSelect, initial="before"
    )
    region = forms.ChoiceField(label="Region", required=False)
    image = forms.FileField(
        label="Photo",
        help_text="JPEG, PNG or WebP. Location and camera data are removed before it is stored.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_IMAGES}),
    )

    def __init__(self, *args, regions: Sequence[str] = (), **kwargs):
        kwargs.setdefault("prefix", "photo")
        super().__init__(*args, **kwargs)
        codes = regions or Region.values
        region = cast(forms.ChoiceField, self.fields["region"])
        region.choices = [("", "Whole area / not one region")] + [
            (code, Region(code).label) for code in codes
        ]


class SurveyForm(forms.Form):
    rating = forms.ChoiceField(
        label="How satisfied is the patient with the result?",
        choices=Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, for_patient: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_patient:  # the patient's own page speaks to them
            self.fields["rating"].label = PATIENT_QUESTION
            self.fields["comment"].label = "Anything you would like to add? (optional)"
