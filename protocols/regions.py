"""The treated regions (DOMAIN.md, "A session: how it is performed"): a fixed vocabulary
with stable codes, grouped by area, and which areas each indication treats.

Display names are translatable; the browser draws them on a face and a scalp diagram.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    FOREHEAD = "forehead", _("Forehead")
    GLABELLA = "glabella", _("Glabella")
    PERIORBITAL_LEFT = "periorbital_left", _("Periorbital, left")
    PERIORBITAL_RIGHT = "periorbital_right", _("Periorbital, right")
    CHEEK_LEFT = "cheek_left", _("Cheek, left")
    CHEEK_RIGHT = "cheek_right", _("Cheek, right")
    NASOLABIAL_LEFT = "nasolabial_left", _("Nasolabial fold, left")
    NASOLABIAL_RIGHT = "nasolabial_right", _("Nasolabial fold, right")
    PERIORAL = "perioral", _("Perioral")
    CHIN = "chin", _("Chin")
    JAWLINE_LEFT = "jawline_left", _("Jawline, left")
    JAWLINE_RIGHT = "jawline_right", _("Jawline, right")
    NECK = "neck", _("Neck")
    DECOLLETE = "decollete", _("Décolleté")
    HAND_LEFT = "hand_left", _("Hand, left")
    HAND_RIGHT = "hand_right", _("Hand, right")
    SCALP_FRONTAL = "scalp_frontal", _("Scalp, frontal")
    SCALP_VERTEX = "scalp_vertex", _("Scalp, vertex")
    SCALP_TEMPORAL_LEFT = "scalp_temporal_left", _("Scalp, temporal left")
    SCALP_TEMPORAL_RIGHT = "scalp_temporal_right", _("Scalp, temporal right")
    SCALP_OCCIPITAL = "scalp_occipital", _("Scalp, occipital")


# DOMAIN.md's table: area -> its regions, in the table's order.
AREAS: dict[str, tuple[str, ...]] = {
    "face": tuple(r.value for r in list(Region)[:12]),
    "neck_and_chest": (Region.NECK.value, Region.DECOLLETE.value),
    "hands": (Region.HAND_LEFT.value, Region.HAND_RIGHT.value),
    "scalp": tuple(r.value for r in list(Region)[16:]),
}

# MesoLift treats the skin of face, neck, décolleté and hands; MesoHair the scalp.
AREAS_BY_INDICATION: dict[str, tuple[str, ...]] = {
    "skin": ("face", "neck_and_chest", "hands"),
    "hair": ("scalp",),
}


def regions_for(indication: str) -> tuple[str, ...]:
    """The region codes a course of this indication may treat.

    >>> regions_for("hair")
    ('scalp_frontal', 'scalp_vertex', 'scalp_temporal_left', 'scalp_temporal_right', 'scalp_occipital')
    >>> "scalp_vertex" in regions_for("skin")
    False
    """
    return tuple(code for area in AREAS_BY_INDICATION.get(indication, ()) for code in AREAS[area])


def area_of(region: str) -> str | None:
    """The area a region belongs to.

    >>> area_of("decollete")
    'neck_and_chest'
    """
    return next((area for area, codes in AREAS.items() if region in codes), None)


def region_label(code: str) -> str:
    """The region's name, or its code if unknown.

    >>> region_label("cheek_left"), region_label("elbow")
    ('Cheek, left', 'elbow')
    """
    return str(Region(code).label) if code in Region.values else code
