"""Reads of the lot registry that the session form, the recording service, the recall and
the API share: the practice's lots newest first, the lots usable for a formulation on a
day, soonest expiry first, and lots by the numbers a client sent."""

from datetime import date

from django.db.models import QuerySet
from django.db.models.functions import Lower

from mesoplan.tenancy import scoped

from .models import ProductLot
from .services import normalise_lot_number


def lots_by_number(actor, numbers) -> dict[str, ProductLot]:
    """{lower-cased lot number: lot} of the actor's practice for the given numbers, in one
    query (pass validation reads all of a session's lots at once)."""
    wanted = {normalise_lot_number(str(n)).lower() for n in numbers if str(n).strip()}
    if not wanted:
        return {}
    lots = (
        scoped(ProductLot, actor)
        .select_related("formulation")
        .annotate(number_key=Lower("lot_number"))
        .filter(number_key__in=wanted)
    )
    return {lot.lot_number.lower(): lot for lot in lots}


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
