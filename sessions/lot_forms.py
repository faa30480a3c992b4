"""Browser forms of product lots, equipment and adverse events. Shape only: the services
in sessions.lots, sessions.equipment and sessions.adverse_events decide. Dates are typed
in the practice's format (PracticeDateField), times as HH:MM."""

from collections.abc import Sequence
from datetime import datetime

from django import forms

from mesoplan.clock import practice_today, practice_zone
from mesoplan.date_entry import PracticeDateField
from protocols.planner import local

from .adverse_events import LONGEST_TEXT
from .models import EquipmentKind, EventOutcome, EventSeverity, EventType


class LotForm(forms.Form):
    formulation = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the formulation in the box."},
    )
    lot_number = forms.CharField(
        label="Lot number",
        max_length=64,
        help_text="As printed on the box (LOT or Ch.-B.).",
        error_messages={"required": "Enter the lot number printed on the box."},
    )
    expires_on = PracticeDateField(
        label="Expiry date", error_messages={"required": "Enter the expiry date on the box."}
    )

    def __init__(self, *args, formulations: Sequence[tuple[str, str]], date_format: str, **kw):
        super().__init__(*args, **kw)
        self.fields["formulation"].choices = list(formulations)  # type: ignore[attr-defined]
        self.fields["expires_on"].use_format(date_format)  # type: ignore[attr-defined]
        self.fields["lot_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )


class EquipmentForm(forms.Form):
    kind = forms.ChoiceField(
        choices=EquipmentKind.choices,
        widget=forms.RadioSelect,
        initial=EquipmentKind.NEEDLE,
        error_messages={"required": "Choose a device or a needle."},
    )
    name = forms.CharField(
        max_length=120,
        help_text="As the practice knows it, e.g. the gun's model or the needle's gauge and "
        "length (32G 4 mm).",
        error_messages={"required": "Name the device or needle."},
    )


class OnsetTimeField(forms.TimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M"])
        kwargs.setdefault("error_messages", {"invalid": "Enter the time as HH:MM, e.g. 14:30."})
        super().__init__(**kwargs)
        self.widget.attrs.update({"placeholder": "HH:MM", "autocomplete": "off"})


class AdverseEventForm(forms.Form):
    type = forms.ChoiceField(
        label="What happened",
        choices=[("", "Choose…"), *EventType.choices],
        error_messages={"required": "Choose what happened."},
    )
    severity = forms.ChoiceField(
        choices=EventSeverity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how severe it is."},
    )
    onset_date = PracticeDateField(label="Onset date")
    onset_time = OnsetTimeField(label="Onset time")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONGEST_TEXT,
        help_text="What was seen, where, how it developed.",
    )
    action_taken = forms.CharField(
        label="Action taken",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONGEST_TEXT,
    )
    outcome = forms.ChoiceField(
        label="Outcome so far",
        choices=[("", "Choose…"), *EventOutcome.choices],
        error_messages={"required": "Choose the outcome so far."},
    )
    lots = forms.MultipleChoiceField(
        label="Linked lots",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The lots of this session the event may come from (all of them, unless "
        "it clearly comes from none, such as a haematoma from the needle).",
    )

    def __init__(
        self, *args, lots: Sequence[tuple[str, str]], date_format: str, zone, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["lots"].choices = list(lots)  # type: ignore[attr-defined]
        self.fields["onset_date"].use_format(date_format)  # type: ignore[attr-defined]

    def onset_at(self) -> datetime:
        data = self.cleaned_data
        return local(data["onset_date"], data["onset_time"], self.zone)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome now",
        choices=[("", "Choose…"), *EventOutcome.choices],
        error_messages={"required": "Choose the outcome now."},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONGEST_TEXT,
        help_text="What was seen or done since.",
    )


def adverse_event_form(
    data, *, lots: Sequence[tuple], practice, prefix: str = "event"
) -> AdverseEventForm:
    """The form for a session whose lots are `lots` (from `session_lots`): every lot is
    offered, the current version's are ticked."""
    choices = [
        (
            str(lot.pk),
            f"{lot.lot_number} ({lot.formulation.name})"
            + ("" if current else ", only in an earlier version of the record"),
        )
        for lot, current in lots
    ]
    return AdverseEventForm(
        data,
        lots=choices,
        date_format=practice.date_format,
        zone=practice_zone(practice),
        prefix=prefix,
        initial={
            "lots": [str(lot.pk) for lot, current in lots if current],
            "onset_date": practice_today(practice),
        },
    )
