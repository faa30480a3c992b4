"""A report request's parameters (API.md, "Reports"): every filter checked and put in one
canonical form, so that the same request made twice is recognisably the same (it joins
the build already pending) and a snapshot records exactly what it counted."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any
from uuid import UUID

from lots.models import ProductLot
from mesoplan.errors import InvalidInput
from mesoplan.models import Practice
from mesoplan.tenancy import Scope
from patients.models import Sex
from protocols.models import Protocol
from reports.models import AgeBand, ReportKind
from scheduling.models import CourseTarget

OTHER_PROTOCOL = "other"  # surveyed courses of neither formulation (DOMAIN.md, 2015: 203)
FILTERS = ("practice", "from", "to", "protocol", "target", "sex", "age_band", "min_sessions", "lot")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def clean(scope: Scope, network_id: UUID, data: Any) -> dict[str, Any]:
    """The canonical parameters: `kind` and the filters given, or InvalidInput naming
    each bad field. Practices and lots outside the scope are unknown (never disclosed)."""
    if not isinstance(data, dict):
        raise InvalidInput({"non_field_errors": ["Send a JSON object."]})
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    kind = data.get("kind")
    if kind not in ReportKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(ReportKind.values)}."]
    else:
        out["kind"] = kind
    for key in sorted(set(data) - {"kind", *FILTERS}):
        errors[_safe_key(key)] = ["Unknown filter."]
    for key in FILTERS:
        value = data.get(key)
        if value is None or value == "":
            continue
        try:
            out[key] = CLEANERS[key](value, scope, network_id)
        except ValueError as exc:
            errors[key] = [str(exc)]
    if "from" in out and "to" in out and out["from"] > out["to"]:
        errors["to"] = ["Must be on or after `from`."]
    if errors:
        raise InvalidInput(errors)
    return out


def _safe_key(key: Any) -> str:
    text = str(key)[:64]
    return text.encode("utf-8", "replace").decode("utf-8", "replace").replace("\x00", "")


def _text(value: Any, limit: int = 64) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError("Expected a short text value.")
    return value


def _choice(choices):
    def cleaner(value, scope, network_id):
        value = _text(value)
        if value not in choices:
            raise ValueError(f"Choose one of: {', '.join(choices)}.")
        return value

    return cleaner


def _day(value, scope, network_id) -> str:
    try:
        day = date.fromisoformat(_text(value, 10))
    except ValueError:
        raise ValueError("A date as YYYY-MM-DD.") from None
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"Between {EARLIEST} and {LATEST}.")
    return day.isoformat()


def _uuid(value) -> UUID:
    try:
        return UUID(_text(value, 36))
    except ValueError:
        raise ValueError("Not a known id.") from None


def _practice(value, scope: Scope, network_id) -> str:
    pk = _uuid(value)
    practices = Practice.objects.filter(pk=pk, network_id=network_id)
    if scope.is_practice:
        practices = practices.filter(pk=scope.practice_id)  # type: ignore[misc]
    if not practices.exists():
        raise ValueError("No such practice.")
    return str(pk)


def _lot(value, scope: Scope, network_id) -> str:
    pk = _uuid(value)
    lots = ProductLot.objects.filter(pk=pk, practice__network_id=network_id)
    if scope.is_practice:
        lots = lots.filter(practice_id=scope.practice_id)
    if not lots.exists():
        raise ValueError("No such lot.")
    return str(pk)


def _protocol(value, scope, network_id) -> str:
    codes = [*Protocol.objects.order_by("code").values_list("code", flat=True), OTHER_PROTOCOL]
    return _choice(codes)(value, scope, network_id)


def _min_sessions(value, scope, network_id) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("A whole number from 1 to 8.")
    try:
        number = (
            int(value) if isinstance(value, int) or (value.isascii() and value.isdigit()) else None
        )
    except ValueError:
        number = None
    if number is None or not 1 <= number <= 8:
        raise ValueError("A whole number from 1 to 8.")
    return number


CLEANERS = {
    "practice": _practice,
    "from": _day,
    "to": _day,
    "protocol": _protocol,
    "target": _choice(CourseTarget.values),
    "sex": _choice(Sex.values),
    "age_band": _choice(AgeBand.values),
    "min_sessions": _min_sessions,
    "lot": _lot,
}


def request_key(scope: Scope, parameters: dict[str, Any]) -> str:
    """What makes two requests the same build: the scope and the canonical parameters.

    >>> from uuid import UUID
    >>> a = request_key(Scope(practice_id=UUID(int=1)), {"kind": "meso_report", "sex": "female"})
    >>> a == request_key(Scope(practice_id=UUID(int=1)), {"sex": "female", "kind": "meso_report"})
    True
    >>> a == request_key(Scope(practice_id=UUID(int=2)), {"kind": "meso_report", "sex": "female"})
    False
    """
    text = json.dumps(
        [str(scope.practice_id), str(scope.network_id), parameters], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()
