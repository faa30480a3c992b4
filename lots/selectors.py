"""Reads of the lot registry that the session form, the recording service, the recall and
the API share: the practice's lots newest first, the lots usable for a formulation on a
day, soonest expiry first, and lots by the numbers a client sent."""

from datetime import date

from django.db.models import QuerySet

from mesoplan.tenancy import scoped

from .lot_numbers import UnreadableLotNumber, lot_key
from .models import ProductLot


def lots_by_number(actor, numbers) -> dict[str, ProductLot]:
    """{lot key: lot} of the actor's practice for the given numbers, in one
    query (pass validation reads all of a session's lots at once)."""
    wanted = set()
    for number in numbers:
        try:
            wanted.add(lot_key(str(number)))
        except UnreadableLotNumber:
            continue  # never a registered lot: the pass names it as not found
    if not wanted:
        return {}
    lots = scoped(ProductLot, actor).select_related("formulation").filter(number_key__in=wanted)
    return {lot.number_key: lot for lot in lots}


def usable_lots(actor, formulation_id, on: date) -> QuerySet[ProductLot]:
    """The practice's unexpired lots of one formulation, soonest expiry first (use the
    oldest box first)."""
    return (
        scoped(ProductLot, actor)
        .filter(formulation_id=formulation_id, expires_on__gte=on)
        .order_by("expires_on", "lot_number")
    )


def lots_for(actor) -> QuerySet[ProductLot]:
    """The practice's lots, newest first, with what a list shows of each."""
    return scoped(ProductLot, actor).select_related("formulation", "created_by")


def lots_starting_with(lots: QuerySet, prefix: str) -> QuerySet:
    """The lots whose number starts with `prefix`, as the key folds both: "strasse" finds
    STRAßE-1. A prefix with an invisible character finds nothing."""
    try:
        return lots.filter(number_key__startswith=lot_key(prefix))
    except UnreadableLotNumber:
        return lots.none()
