"""The practice's display formats for the en-gb locale (FORMAT_MODULE_PATH), so that a
date rendered without a filter ({{ value }}, the admin) reads as every page writes it.
Input formats stay Django's; the forms' entry is mesoplan/date_entry.py's."""

from mesoplan.date_display import DATE, DATETIME, DAY_MONTH, MONTH, TIME

DATE_FORMAT = DATE
DATETIME_FORMAT = DATETIME
TIME_FORMAT = TIME
SHORT_DATE_FORMAT = DATE
SHORT_DATETIME_FORMAT = DATETIME
MONTH_DAY_FORMAT = DAY_MONTH
YEAR_MONTH_FORMAT = MONTH
