"""Filters of the API's lists. Times in a query string are turned into UTC before they
reach the database: Python takes any offset up to 23:59, PostgreSQL none beyond 15:59
("time zone displacement out of range" was a 500), and a date at the calendar's edge
that UTC cannot hold is a 400 naming the parameter."""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError("This time is out of the range of dates.") from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time filter that queries in UTC, whatever offset the client sent."""

    field_class = UtcIsoDateTimeField
