"""An appointment as the API shows it (API.md, Appointments): the one representation the
REST resource, the changes feed and the webhooks' payloads share."""


def appointment_representation(instance, zone) -> dict:
    """Ids as strings, times in ISO 8601 in `zone` (UTC as Z), as DRF's fields write them."""
    return {
        "id": str(instance.pk),
        "patient": _id(instance.patient_id),
        "clinician": _id(instance.clinician_id),
        "course": _id(instance.course_id),
        "kind": instance.kind,
        "sequence": instance.sequence,
        "starts_at": iso_datetime(instance.starts_at, zone),
        "ends_at": iso_datetime(instance.ends_at, zone),
        "status": instance.status,
        "arrived_at": iso_datetime(instance.arrived_at, zone),
        "cancellation_reason": instance.cancellation_reason,
        "cancellation_note": instance.cancellation_note,
        "version": instance.version,
        "updated_at": iso_datetime(instance.updated_at, zone),
    }


def _id(value) -> str | None:
    return None if value is None else str(value)


def iso_datetime(value, zone) -> str | None:
    """As DRF's DateTimeField writes an aware datetime (DATETIME_FORMAT "iso-8601").

    >>> from datetime import UTC, datetime
    >>> from zoneinfo import ZoneInfo
    >>> iso_datetime(datetime(2026, 3, 2, 9, tzinfo=UTC), UTC)
    '2026-03-02T09:00:00Z'
    >>> iso_datetime(datetime(2026, 3, 2, 9, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
    '2026-03-02T10:00:00+01:00'
    """
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
