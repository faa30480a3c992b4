"""Browser forms of the treatment room: the session form (the pre-session check, the
regions picked on a diagram, and per region a single-pulse and a nappage pass), and the
adverse-event and follow-up forms. Shape only: the recording and adverse-event services
decide (ranges, order, lots), and their errors come back onto the fields they name.

Field names per region `r`: `r__single_pulse` (done?), `r__single_pulse__depth_mm`, ...,
`r__nappage`, `r__nappage__volume_ml`, `r__lot`. Passes are built region by region,
single-pulse before nappage, so the order rule holds by construction. Adverse-event dates
are typed in the practice's format (PracticeDateField), times as HH:MM.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from django import forms

from mesoplan.clock import practice_today, practice_zone
from mesoplan.date_entry import PracticeDateField
from mesoplan.errors import InvalidInput
from patients.contraindications import CONDITIONS
from protocols.planner import local
from protocols.regions import Region
from sessions.adverse_events import LONGEST_TEXT
from sessions.models import EventOutcome, EventSeverity, EventType

from .pass_input import PassInput
from .passes import LABELS, NAPPAGE, REQUIRED, SINGLE_PULSE, TECHNIQUE_NAMES
from .pre_check import RECONFIRMED_CONDITIONS
from .prefill import Prefill

YES_NO = [("yes", "Yes"), ("no", "No")]
TECHNIQUES = (SINGLE_PULSE, NAPPAGE)
NUMBER_FIELDS = {
    "depth_mm": ("0.05", "Depth (mm)"),
    "spacing_mm": ("0.5", "Spacing (mm)"),
    "points": ("1", "Points"),
    "volume_ml": ("0.01", "Volume (ml)"),
}
# Other conditions a clinician may find newly (the screening's still count): the
# permanent and relative ones of the intake (pregnancy and the acute ones are asked above).
OTHER_CONDITIONS = [
    (code, c.label)
    for code, c in CONDITIONS.items()
    if code not in RECONFIRMED_CONDITIONS and code != "ingredient_allergy"
]


def field_name(region: str, technique: str = "", value: str = "") -> str:
    """The form field of a region's pass value.

    >>> field_name("chin", "nappage", "depth_mm")
    'chin__nappage__depth_mm'
    """
    return "__".join(part for part in (region, technique, value) if part)


class SessionForm(forms.Form):
    regions = forms.MultipleChoiceField(
        label="Treated regions",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one region on the diagram."},
    )
    other_conditions = forms.MultipleChoiceField(
        label="Newly found since the screening",
        choices=OTHER_CONDITIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_allergies = forms.CharField(
        label="New allergies",
        required=False,
        max_length=300,
        help_text="Separate several with commas. Leave empty if none.",
    )
    herpes_prophylaxis_given = forms.BooleanField(
        label="Herpes prophylaxis was given before this session", required=False
    )
    caution_acknowledgement = forms.CharField(
        label="Why proceed despite the new finding",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    device = forms.ChoiceField(label="Device", required=False)
    needle = forms.ChoiceField(label="Needle", required=False)
    notes = forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args,
        region_codes: Sequence[str],
        lots: Sequence[tuple[str, str]],
        devices: Sequence[tuple[str, str]],
        needles: Sequence[tuple[str, str]],
        start: Prefill,
        asks_pregnancy: bool,
        herpes_prone: bool,
        linked_lots: Mapping[str, str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.region_codes = list(region_codes)
        # Lots linked to an adverse event of this patient: marked, never the default, and
        # used only when the clinician confirms it.
        self.linked_lots = dict(linked_lots or {})
        lots = [
            (number, f"{text} ⚠ {self.linked_lots[number]}" if number in self.linked_lots else text)
            for number, text in lots
        ]
        if any(number in self.linked_lots for number, _ in lots):
            self.fields["use_linked_lots"] = forms.BooleanField(
                label="Use a lot linked to this patient's adverse event anyway",
                required=False,
                help_text="Only when you have ruled the lot out as the cause.",
            )
        self.herpes_prone = herpes_prone
        cast(forms.ChoiceField, self.fields["regions"]).choices = [
            (r, Region(r).label) for r in self.region_codes
        ]
        self.fields["regions"].initial = list(start.regions)
        for code in RECONFIRMED_CONDITIONS:
            if code == "pregnancy" and not asks_pregnancy:
                continue
            self.fields[f"today_{code}"] = forms.ChoiceField(
                label=CONDITIONS[code].label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer Yes or No: {CONDITIONS[code].label}."},
            )
        if herpes_prone:
            self.fields["herpes_prophylaxis_given"].widget.attrs["required"] = True
        cast(forms.ChoiceField, self.fields["device"]).choices = [("", "Not recorded"), *devices]
        cast(forms.ChoiceField, self.fields["needle"]).choices = [("", "Not recorded"), *needles]
        self.fields["device"].initial = str(start.device or (devices[0][0] if devices else ""))
        self.fields["needle"].initial = str(start.needle or (needles[0][0] if needles else ""))
        default_lot = next((n for n, _ in lots if n not in self.linked_lots), "")
        for region in self.region_codes:
            plan = start.plans[region]
            label = Region(region).label
            self.fields[field_name(region, "lot")] = forms.ChoiceField(
                label=f"{label}: lot",
                choices=[("", "Choose a lot"), *lots],
                required=False,
                initial=plan.lot or default_lot,
            )
            for technique in TECHNIQUES:
                name = TECHNIQUE_NAMES[technique].capitalize()
                self.fields[field_name(region, technique)] = forms.BooleanField(
                    label=f"{label}: {name}",
                    required=False,
                    initial=technique in plan.done,
                )
                for value in REQUIRED[SINGLE_PULSE]:
                    if technique == NAPPAGE and value not in REQUIRED[NAPPAGE]:
                        continue
                    step, short = NUMBER_FIELDS[value]
                    kind = forms.IntegerField if value == "points" else forms.DecimalField
                    field = kind(
                        label=f"{label}, {TECHNIQUE_NAMES[technique]}: {short}",
                        required=False,
                        initial=plan.techniques[technique].get(value),
                        widget=forms.NumberInput(
                            attrs={"step": step, "min": "0", "inputmode": "decimal"}
                        ),
                    )
                    if isinstance(field, forms.DecimalField):
                        field.max_digits, field.decimal_places = 8, 3
                    field.summary_label = f"{label}, {TECHNIQUE_NAMES[technique]}: {LABELS[value]}"  # type: ignore[attr-defined]
                    self.fields[field_name(region, technique, value)] = field
        # The error summary lists fields in this order: the page's.
        self.order_fields(
            [
                "reason",
                *(name for name in self.fields if name.startswith("today_")),
                "new_allergies",
                "other_conditions",
                "caution_acknowledgement",
                "herpes_prophylaxis_given",
                "regions",
                "device",
                "needle",
                *(name for name in self.fields if "__" in name),  # the passes, region by region
                "notes",
                "use_linked_lots",
            ]
        )

    # --- Reading the answers ---------------------------------------------------------

    def conditions(self) -> frozenset[str]:
        data = self.cleaned_data
        today = {c for c in RECONFIRMED_CONDITIONS if data.get(f"today_{c}") == "yes"}
        return frozenset(today | set(data.get("other_conditions") or ()))

    def new_allergies_list(self) -> tuple[str, ...]:
        text = self.cleaned_data.get("new_allergies") or ""
        return tuple(a.strip() for a in text.split(",") if a.strip())

    def passes(self) -> list[PassInput]:
        data = self.cleaned_data
        result = []
        for region in self.region_codes:
            if region not in data.get("regions", ()):
                continue
            for technique in TECHNIQUES:
                if not data.get(field_name(region, technique)):
                    continue
                values: dict[str, Any] = {
                    value: data.get(field_name(region, technique, value))
                    for value in REQUIRED[technique]
                }
                result.append(
                    PassInput(
                        technique=technique,
                        region=region,
                        depth_mm=values.get("depth_mm"),
                        volume_ml=values.get("volume_ml"),
                        spacing_mm=values.get("spacing_mm"),
                        points=values.get("points"),
                        product_lot=data.get(field_name(region, "lot")) or "",
                        device=data.get("device") or None,
                        needle=data.get("needle") or None,
                    )
                )
        return result

    def clean(self):
        data = super().clean() or {}
        chosen = data.get("regions") or []
        for region in chosen:
            if not any(data.get(field_name(region, t)) for t in TECHNIQUES):
                self.add_error(
                    field_name(region, SINGLE_PULSE),
                    f"{Region(region).label}: tick single-pulse, nappage or both.",
                )
            lot = data.get(field_name(region, "lot")) or ""
            if lot in self.linked_lots and not data.get("use_linked_lots"):
                self.add_error(
                    field_name(region, "lot"),
                    f"Lot {lot} is {self.linked_lots[lot]} of this patient: pick another "
                    "lot, or confirm below that you use it anyway.",
                )
        return data

    def show_service_errors(
        self, exc: InvalidInput, passes: Sequence[PassInput], *, keep_own: bool = False
    ) -> None:
        """The service's errors on the inputs they name: a pass's by its region and
        technique, the check's on its own fields, the rest above the form. `keep_own`:
        the form has errors of its own, which a field keeps instead of the service's
        (a depth that is not a number is not also "required")."""
        own = set(self.errors) if keep_own else set()

        def add(target: str | None, message: str) -> None:
            if target not in own:
                self.add_error(target, message)

        for key, errors in exc.errors.items():
            if key == "passes" and isinstance(errors, dict):
                for index, fields in errors.items():
                    given = passes[int(index)]
                    for name, messages in fields.items():
                        target = (
                            field_name(given.region, "lot")
                            if name == "product_lot"
                            else field_name(given.region, given.technique, name)
                        )
                        if target not in self.fields:
                            target = field_name(given.region, given.technique)
                        for message in messages:
                            add(target, message)
            elif key in self.fields:
                for message in errors:
                    add(key, message)
            else:
                for message in errors if isinstance(errors, list) else [str(errors)]:
                    add(None, message)

    def region_rows(self) -> list[dict]:
        """What the template draws per region: its bound fields, grouped by technique,
        and each technique's errors as one list below its inputs (`id` is what the
        input's aria-describedby names), so an error never moves an input."""
        rows = []
        selected = set(self["regions"].value() or [])
        for region in self.region_codes:
            techniques = []
            for technique in TECHNIQUES:
                done = self[field_name(region, technique)]
                values = [
                    (v, self[field_name(region, technique, v)])
                    for v in REQUIRED[SINGLE_PULSE]
                    if field_name(region, technique, v) in self.fields
                ]
                errors = [
                    {"id": f"{done.auto_id}_error", "text": " ".join(str(e) for e in done.errors)}
                ]
                errors += [
                    {
                        "id": f"{bound.auto_id}_error",
                        "text": " ".join(_naming(LABELS[v], str(e)) for e in bound.errors),
                    }
                    for v, bound in values
                ]
                techniques.append(
                    {
                        "code": technique,
                        "name": TECHNIQUE_NAMES[technique].capitalize(),
                        "done": done,
                        "values": [
                            {"field": bound, "short": NUMBER_FIELDS[v][1], "code": v}
                            for v, bound in values
                        ],
                        "errors": [e for e in errors if e["text"]],
                    }
                )
            rows.append(
                {
                    "code": region,
                    "label": Region(region).label,
                    "selected": region in selected,
                    "lot": self[field_name(region, "lot")],
                    "techniques": techniques,
                }
            )
        return rows

    def check_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("today_")]


def _naming(label: str, message: str) -> str:
    """A pass value's error as it reads below the row of inputs: naming its field.

    >>> _naming("Depth", "Depth must be between 0.1 and 4 mm.")
    'Depth must be between 0.1 and 4 mm.'
    >>> _naming("Volume", "Enter a number.")
    'Volume: Enter a number.'
    """
    return message if message.lower().startswith(label.lower()) else f"{label}: {message}"


class AmendForm(SessionForm):
    """A correction of a recorded session: the same passes form, started from the
    current version, with the reason it is corrected and no new check."""

    reason = forms.CharField(
        label="Why is the record corrected?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the record is corrected."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [n for n in self.fields if n.startswith("today_")] + [
            "other_conditions",
            "new_allergies",
            "herpes_prophylaxis_given",
            "caution_acknowledgement",
        ]:
            del self.fields[name]


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
