"""Product lots (DOMAIN.md: traceability if an allergic reaction occurs): registering a
lot, resolving the lot a pass names, and which lots are about to expire."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_today
from mesoplan.date_display import practice_date
from mesoplan.errors import InvalidInput
from mesoplan.roles import works_in_practice
from protocols.models import Formulation
from protocols.planner import add_months

from .lot_numbers import UnreadableLotNumber, lot_key
from .lot_numbers import lot_number as as_lot_number
from .models import ProductLot

# An expiry further ahead than this is a typing error (products keep a few years at most).
LONGEST_SHELF_LIFE_YEARS = 10


def expiry_warning_days() -> int:
    """Lots expiring within this many days are flagged on the session form."""
    return settings.LOT_EXPIRY_WARNING_DAYS


def is_expiring_soon(lot: ProductLot, today: date) -> bool:
    return today <= lot.expires_on <= today + timedelta(days=expiry_warning_days())


@transaction.atomic
def register_lot(*, actor, formulation_code: str, lot_number: str, expires_on: date) -> ProductLot:
    """Registers a lot for the actor's practice (any staff member of it: the nurse who
    opens the box may). Its number means one box in the practice (lots.lot_numbers: a
    look-alike is the same lot, an invisible character is refused). A box
    already past its expiry date is refused: it may not be injected, so registering it
    would only offer it where it must not be chosen."""
    if not works_in_practice(actor):
        raise PermissionDenied("Only practice staff register product lots.")
    errors: dict[str, list[str]] = {}
    try:
        lot_number = as_lot_number(lot_number or "")
    except UnreadableLotNumber as exc:
        lot_number, errors["lot_number"] = "", [str(exc)]
    if not lot_number and "lot_number" not in errors:
        errors["lot_number"] = ["Enter the lot number printed on the box."]
    formulation = Formulation.objects.filter(code=formulation_code).first()
    if formulation is None:
        known = ", ".join(Formulation.objects.values_list("code", flat=True))
        errors["formulation"] = [f'Unknown formulation "{formulation_code}". Known: {known}.']
    today = practice_today(actor.practice)
    if expires_on < today:
        errors["expires_on"] = [
            f"This lot expired on {practice_date(expires_on)}: an expired lot is not used, so it "
            "is not registered."
        ]
    elif expires_on > add_months(today, 12 * LONGEST_SHELF_LIFE_YEARS):
        errors["expires_on"] = [
            f"An expiry more than {LONGEST_SHELF_LIFE_YEARS} years ahead is a typing error: "
            "check the date on the box."
        ]
    if errors or formulation is None:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            lot = ProductLot.objects.create(
                practice=actor.practice,
                formulation=formulation,
                lot_number=lot_number,
                expires_on=expires_on,
                created_by=actor,
            )
    except IntegrityError as exc:
        existing = ProductLot.objects.filter(
            practice=actor.practice, number_key=lot_key(lot_number)
        ).first()
        same = (
            f' as "{existing.lot_number}"' if existing and existing.lot_number != lot_number else ""
        )
        raise InvalidInput(
            {"lot_number": [f'Lot "{lot_number}" is already registered in this practice{same}.']}
        ) from exc
    audit.record(
        actor,
        Action.LOT_CREATE,
        lot,
        summary=f"{formulation.code} lot {lot_number}, expires {practice_date(expires_on)}",
    )
    return lot


def lot_problem(lot: ProductLot | None, number: str, formulation_id, on: date) -> str | None:
    """Why this lot may not be used in a session of `formulation_id` on `on`, if it may
    not (DOMAIN.md: a registered, unexpired lot of the course's formulation)."""
    if lot is None:
        return f'Lot "{number}" is not registered in this practice. Register the box first.'
    if lot.formulation_id != formulation_id:
        return f'Lot "{lot.lot_number}" is {lot.formulation.name}, not this course\'s formulation.'
    if lot.expires_on < on:
        return f'Lot "{lot.lot_number}" expired on {practice_date(lot.expires_on)}.'
    return None
