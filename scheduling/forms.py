"""Browser forms of courses and the calendar. Shape only: the gate, the planner and the
services decide. Dates are typed in the practice's format (PracticeDateField), times
chosen as HH:MM from the practice's hours, never a browser-locale picker."""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import cast

from django import forms

from mesoplan.date_entry import PracticeDateField
from mesoplan.models import DateFormat
from mesoplan.visible_text import visible

from .models import (
    TARGETS_BY_INDICATION,
    AppointmentKind,
    CancellationReason,
    Combination,
    CourseTarget,
    Weekday,
)

TIME_FORMAT = "%H:%M"
INTERVAL_LABELS = {7: "Weekly (every 7 days)", 14: "Bi-weekly (every 14 days)"}
SLOT = timedelta(minutes=15)


def time_slots(first: time, last: time, *, also: time | None = None) -> list[tuple[str, str]]:
    """Start times every 15 minutes from `first` up to (not including) `last`, and
    `also` (a time off that grid, e.g. an appointment's current start).

    >>> [value for value, _ in time_slots(time(8), time(9))]
    ['08:00', '08:15', '08:30', '08:45']
    """
    day = date(2000, 1, 1)
    slot, end = datetime.combine(day, first), datetime.combine(day, last)
    times = []
    while slot < end:
        times.append(slot.time())
        slot += SLOT
    if also is not None and also not in times:
        times = sorted([*times, also])
    return [(t.strftime(TIME_FORMAT), t.strftime(TIME_FORMAT)) for t in times]


def opening_slots(
    opening: Mapping[int, Sequence[tuple[time, time]]], *, also: time | None = None
) -> list[tuple[str, str]]:
    """Start times from the week's earliest opening to its latest closing.

    >>> [v for v, _ in opening_slots({0: [(time(8), time(9))], 4: [(time(8, 30), time(9, 15))]})]
    ['08:00', '08:15', '08:30', '08:45', '09:00']
    """
    periods = [period for hours in opening.values() for period in hours]
    first = min(opens for opens, _ in periods)
    last = max(closes for _, closes in periods)
    return time_slots(first, last, also=also)


def _to_time(value: str) -> time:
    return datetime.strptime(value, TIME_FORMAT).time()


class TimeSlotField(forms.TypedChoiceField):
    """A time of day chosen from the practice's 15-minute slots, as HH:MM."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": "Choose a time."})
        super().__init__(coerce=_to_time, **kwargs)


PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*$")


class DayHoursField(forms.CharField):
    """A day's periods typed as "08:00-12:00, 14:00-18:00" (a split day); empty is a
    day off. The service checks order and overlaps, naming the day."""

    default_error_messages = {
        "invalid": "Write each period as 08:00-12:00, several separated by commas."
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"placeholder": "closed", "autocomplete": "off", "spellcheck": "false"}
        )

    def to_python(self, value) -> list[tuple[time, time]]:  # type: ignore[override]
        text = super().to_python(value) or ""
        periods = []
        for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
            match = PERIOD.match(part)
            if match is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            try:
                periods.append((time(h1, m1), time(h2, m2)))
            except ValueError as exc:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return periods

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in value)
        return value

    def validate(self, value) -> None:  # an empty list is a valid answer: closed
        pass


def _use_date_format(form: forms.Form, date_format: str) -> None:
    for field in form.fields.values():
        if isinstance(field, PracticeDateField):
            field.use_format(date_format)


class CourseBookingForm(forms.Form):
    """Who treats, which protocol, when the course starts and what it treats."""

    clinician = forms.ChoiceField(label="Clinician")
    protocol = forms.ChoiceField(label="Protocol", widget=forms.RadioSelect)
    start_date = PracticeDateField(label="First session on")
    start_time = TimeSlotField(label="Time")
    interval = forms.TypedChoiceField(label="Sessions 2 to 4", coerce=int, widget=forms.RadioSelect)
    targets = forms.MultipleChoiceField(
        label="Treats",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick what the course treats."},
    )
    combinations = forms.MultipleChoiceField(
        label="Combined with",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Combination.choices,
    )
    operation_date = PracticeDateField(label="Operation date", required=False)

    def __init__(
        self,
        *args,
        indication: str,
        clinicians: Sequence[tuple[str, str]],
        protocols: Sequence[tuple[str, str]],
        intervals: Iterable[int],
        slots: list[tuple[str, str]],
        date_format: str = DateFormat.DMY_DOT,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["clinician"]).choices = list(clinicians)
        cast(forms.ChoiceField, self.fields["protocol"]).choices = list(protocols)
        cast(forms.ChoiceField, self.fields["start_time"]).choices = slots
        cast(forms.ChoiceField, self.fields["interval"]).choices = [
            (days, INTERVAL_LABELS.get(days, f"Every {days} days")) for days in intervals
        ]
        cast(forms.ChoiceField, self.fields["targets"]).choices = [
            (code, CourseTarget(code).label) for code in TARGETS_BY_INDICATION[indication]
        ]
        _use_date_format(self, date_format)
        operation = self.fields["operation_date"]
        operation.help_text = "For a pre-operative course. " + str(operation.help_text)


class RescheduleForm(forms.Form):
    """The move's new date and time; `proposal` (hidden) is the token of the proposal
    the user confirms: empty, the page shows the proposal first."""

    date = PracticeDateField(label="New date")
    time = TimeSlotField(label="New time")
    proposal = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, slots: list[tuple[str, str]], date_format: str, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time"]).choices = slots
        _use_date_format(self, date_format)


class CalendarDateForm(forms.Form):
    """The day or week a calendar shows: `week` as 2026-W37 or `date` as the practice
    writes it (or ISO)."""

    date = PracticeDateField(label="Go to date", required=False)
    week = forms.RegexField(regex=r"^\d{4}-[Ww]\d{1,2}$", required=False)

    def __init__(self, *args, date_format: str, **kwargs):
        super().__init__(*args, **kwargs)
        _use_date_format(self, date_format)


class HoursForm(forms.Form):
    """Hours for each weekday, Monday to Sunday."""

    def __init__(self, *args, empty_label: str = "closed", **kwargs):
        super().__init__(*args, **kwargs)
        for weekday in Weekday:
            field = DayHoursField(label=weekday.label)
            field.widget.attrs["placeholder"] = empty_label  # what an empty day means
            self.fields[weekday.name.lower()] = field

    def hours(self) -> dict[int, list[tuple[time, time]]]:
        return {weekday.value: self.cleaned_data[weekday.name.lower()] for weekday in Weekday}

    @staticmethod
    def initial_from(hours: dict[int, list[tuple[time, time]]]) -> dict[str, list]:
        return {weekday.name.lower(): hours.get(weekday.value, []) for weekday in Weekday}


class DaysForm(forms.Form):
    """One day or a span of days (a closure, an absence) with an optional reason."""

    first = PracticeDateField(label="From")
    last = PracticeDateField(label="To", required=False)
    reason = forms.CharField(label="Reason", required=False, max_length=200)

    def __init__(self, *args, date_format: str, **kwargs):
        super().__init__(*args, **kwargs)
        _use_date_format(self, date_format)
        last = self.fields["last"]
        last.help_text = "Empty for one day. " + str(last.help_text)


class KindLengthsForm(forms.Form):
    """The default length of each appointment kind, in minutes (empty: the default)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in AppointmentKind:
            self.fields[kind.value] = forms.IntegerField(
                label=kind.label,
                required=False,
                min_value=5,
                max_value=480,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )

    def minutes(self) -> dict[str, int | None]:
        return {kind.value: self.cleaned_data[kind.value] for kind in AppointmentKind}


class CourseEndForm(forms.Form):
    """Ending a course early: the reason, which the service requires."""

    reason = forms.CharField(
        label="Why does the course end early?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    """Cancelling asks why (the reports count cancellations by reason); "other" needs a
    note. The service checks the same."""

    reason = forms.ChoiceField(
        label="Why is it cancelled?",
        choices=CancellationReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the appointment is cancelled."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=200,
        help_text='Optional; needed for "Other reason".',
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("reason") == CancellationReason.OTHER and not visible(data.get("note", "")):
            self.add_error("note", "Say why in a few words.")
        return data


class VisitBookingForm(forms.Form):
    """A consultation or a maintenance session from the calendar: who with, when, how
    long. The patient is chosen before (the page's search); booking.book_appointment
    decides whether the slot is free."""

    kind = forms.ChoiceField(
        label="Kind",
        choices=[
            (AppointmentKind.CONSULTATION, "Consultation"),
            (AppointmentKind.MAINTENANCE, "Maintenance session"),
        ],
        widget=forms.RadioSelect,
    )
    clinician = forms.TypedChoiceField(label="Clinician", coerce=str)
    date = PracticeDateField(label="Date")
    time = TimeSlotField(label="Time")
    minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=5,
        max_value=12 * 60,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input-short"}
        ),
    )

    def __init__(
        self,
        *args,
        clinicians: Sequence[tuple[str, str]],
        slots: list[tuple[str, str]],
        date_format: str,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["clinician"]).choices = clinicians
        cast(forms.ChoiceField, self.fields["time"]).choices = slots
        _use_date_format(self, date_format)
