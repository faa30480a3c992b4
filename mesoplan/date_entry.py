"""Dates typed in the practice's own format, whatever the browser's locale.

`<input type=date>` shows the browser locale's order (is 03/04 the 3rd of April or the
4th of March?), so forms use a text input that states the practice's pattern
(`Practice.date_format`), parses exactly that pattern (and ISO 8601 as a fallback), shows
initial values in it, and names the pattern when an entry does not fit. Pages and
messages write dates as "25 Nov 2026", which needs no pattern (mesoplan/date_display.py).
"""

from dataclasses import dataclass
from datetime import date

from django import forms

from mesoplan.date_bounds import OUT_OF_RANGE, is_within
from mesoplan.models import DateFormat

ISO_DAY = "%Y-%m-%d"
ISO_MONTH = "%Y-%m"


@dataclass(frozen=True)
class DatePattern:
    """How one practice date format writes a day and a month."""

    day: str  # strftime/strptime format of a whole date
    day_label: str  # what the user sees: "DD.MM.YYYY"
    month: str  # a month of a year
    month_label: str  # "MM.YYYY"

    def example(self, value: date, *, month: bool = False) -> str:
        return value.strftime(self.month if month else self.day)


PATTERNS: dict[str, DatePattern] = {
    DateFormat.DMY_DOT: DatePattern("%d.%m.%Y", "DD.MM.YYYY", "%m.%Y", "MM.YYYY"),
    DateFormat.DMY_SLASH: DatePattern("%d/%m/%Y", "DD/MM/YYYY", "%m/%Y", "MM/YYYY"),
    DateFormat.ISO: DatePattern(ISO_DAY, "YYYY-MM-DD", ISO_MONTH, "YYYY-MM"),
    DateFormat.MDY_SLASH: DatePattern("%m/%d/%Y", "MM/DD/YYYY", "%m/%Y", "MM/YYYY"),
}
EXAMPLE_DAY = date(2026, 12, 31)  # day > 12, so the example shows which part is the day


def pattern_for(date_format: str) -> DatePattern:
    """The pattern of a `Practice.date_format` code (an unknown code gets the default).

    >>> pattern_for("mdy_slash").day_label
    'MM/DD/YYYY'
    """
    return PATTERNS.get(date_format, PATTERNS[DateFormat.DMY_DOT])


class PracticeDateField(forms.DateField):
    """A whole date typed as the practice writes it ("31.12.2026"), or as ISO 8601.

    The form sets the practice's format after construction (`use_format`), as forms
    receive the practice's `today` at construction time too.

    >>> field = PracticeDateField()
    >>> field.use_format("dmy_slash")
    >>> field.clean("02/03/1984"), field.clean("1984-03-02")
    (datetime.date(1984, 3, 2), datetime.date(1984, 3, 2))
    """

    is_month = False
    widget = forms.DateInput

    def __init__(self, *, date_format: str = DateFormat.DMY_DOT, **kwargs):
        super().__init__(**kwargs)
        self.use_format(date_format)

    def use_format(self, date_format: str) -> None:
        pattern = pattern_for(date_format)
        label = pattern.month_label if self.is_month else pattern.day_label
        shown = pattern.month if self.is_month else pattern.day
        fallback = ISO_MONTH if self.is_month else ISO_DAY
        self.pattern_label = label
        self.input_formats = list(dict.fromkeys([shown, fallback]))
        example = pattern.example(EXAMPLE_DAY, month=self.is_month)
        self.error_messages["invalid"] = f"Enter the date as {label}, for example {example}."
        self.help_text = self.explain(label, example)
        self.widget.format = shown
        self.widget.attrs.update(
            {"placeholder": label, "autocomplete": "off", "spellcheck": "false"}
        )

    def explain(self, label: str, example: str) -> str:
        return f"As {label}, for example {example}."

    def to_python(self, value):
        """The date, refused with a message when it lies outside 1900-2199
        (mesoplan.date_bounds): "31.12.9999" is a typing error, not a 500.

        >>> PracticeDateField().clean("31.12.9999")
        Traceback (most recent call last):
        ...
        django.core.exceptions.ValidationError: ['Enter a date between 1900 and 2199.']
        """
        day = super().to_python(value)
        if day is not None and not is_within(day):
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return day


class PracticeMonthField(PracticeDateField):
    """A month of a year typed as the practice writes it ("03.2024"); the value is the
    first day of that month (said in the help text, so nobody reads the day as known).

    >>> field = PracticeMonthField(date_format="dmy_dot")
    >>> field.clean("03.2024"), field.clean("2024-03")
    (datetime.date(2024, 3, 1), datetime.date(2024, 3, 1))
    """

    is_month = True

    def explain(self, label: str, example: str) -> str:
        return f"Month and year, as {label} (for example {example}); kept as the 1st of that month."
