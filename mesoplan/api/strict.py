"""Serializers that reject fields they do not know (400 naming them), so a client's typo
is never silently ignored, and text fields that are not text: DRF's CharField turns
`1e308` into the string "1e+308", which would store a number as a lot number or a note."""

from collections.abc import Mapping

from rest_framework import serializers

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


class RejectUnknownFieldsMixin:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))  # type: ignore[attr-defined]
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
            if wrong := text_errors(self.fields, data):  # type: ignore[attr-defined]
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    pass
