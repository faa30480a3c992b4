"""Serializers that reject fields they do not know (400 naming them), so a client's typo
is never silently ignored; text fields that are not text: DRF's CharField turns
`1e308` into the string "1e+308", which would store a number as a lot number or a note;
and dates outside 1900-2199 (mesoplan.date_bounds), which overflowed into 500s or were
stored (a consultation in year 1)."""

from collections.abc import Mapping
from datetime import date, datetime

from rest_framework import serializers

from mesoplan.date_bounds import OUT_OF_RANGE, is_within, moment_is_within

NOT_TEXT = "Not a valid string."


def text_errors(fields: Mapping[str, serializers.Field], data: Mapping) -> dict:
    """Text fields (and lists of text) given anything but strings, by field name.

    >>> text_errors({"notes": serializers.CharField()}, {"notes": 1e308})
    {'notes': ['Not a valid string.']}
    >>> text_errors({"a": serializers.ListField(child=serializers.CharField())}, {"a": ["x", 1]})
    {'a': {'1': ['Not a valid string.']}}
    """
    errors: dict = {}
    for name, field in fields.items():
        if name not in data or field.read_only:
            continue
        value = data[name]
        if isinstance(field, serializers.CharField):
            if value is not None and not isinstance(value, str):
                errors[name] = [NOT_TEXT]
        elif (
            isinstance(field, serializers.ListField)
            and isinstance(field.child, serializers.CharField)
            and isinstance(value, list)
        ):
            wrong = {str(i): [NOT_TEXT] for i, v in enumerate(value) if not isinstance(v, str)}
            if wrong:
                errors[name] = wrong
    return errors


def date_errors(values: Mapping) -> dict:
    """Dates and moments outside 1900-2199, by field name.

    >>> date_errors({"start": date(1, 1, 1), "end": date(2026, 1, 1), "note": "x"})
    {'start': ['Enter a date between 1900 and 2199.']}
    """
    errors: dict = {}
    for name, value in values.items():
        if isinstance(value, datetime):
            if not moment_is_within(value):
                errors[name] = [OUT_OF_RANGE]
        elif isinstance(value, date) and not is_within(value):
            errors[name] = [OUT_OF_RANGE]
    return errors


class RejectUnknownFieldsMixin:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))  # type: ignore[attr-defined]
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
            if wrong := text_errors(self.fields, data):  # type: ignore[attr-defined]
                raise serializers.ValidationError(wrong)
        values = super().to_internal_value(data)  # type: ignore[misc]
        if isinstance(values, Mapping) and (wrong := date_errors(values)):
            raise serializers.ValidationError(wrong)
        return values


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    pass
