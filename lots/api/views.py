"""Product lots over HTTP (API.md "Product lots"): list, register, read; and the practice's
equipment, read-only (clients need its ids for a pass's device and needle). A lot's recall
(`lots/{id}/recipients/`) is the treatment room's: sessions.api."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from lots import selectors
from lots import services as lots
from lots.equipment import equipment_for
from lots.models import Equipment, EquipmentKind, ProductLot
from mesoplan.api.base import PracticeReadOnlyViewSet
from mesoplan.clock import practice_today

from .serializers import EquipmentSerializer, LotCreateSerializer, LotSerializer


class LotFilter(django_filters.FilterSet):
    formulation = django_filters.CharFilter(
        field_name="formulation__code", help_text="A formulation code: `mesolift` or `mesohair`."
    )
    usable_on = django_filters.DateFilter(
        field_name="expires_on",
        lookup_expr="gte",
        help_text="Only lots not yet expired on this date.",
    )
    q = django_filters.CharFilter(
        method="starting_with",
        help_text="Lot numbers starting with this, folded as lot numbers are (case, "
        "full-width characters, spaces, ß for ss).",
    )

    class Meta:
        model = ProductLot
        fields = ["formulation", "usable_on", "q"]

    def starting_with(self, queryset, name, value):
        return selectors.lots_starting_with(queryset, value)


class LotViewSet(mixins.CreateModelMixin, PracticeReadOnlyViewSet):
    """The practice's product lots, newest first. Managers and clinicians read and
    register them; the recall lists who received a lot."""

    serializer_class = LotSerializer
    model = ProductLot
    filterset_class = LotFilter

    def get_queryset(self):
        return selectors.lots_for(self.request.user)

    def get_serializer_context(self):
        context = dict(super().get_serializer_context())
        practice = getattr(self.request.user, "practice", None)
        if practice is not None:  # None only while the schema is generated
            context["today"] = practice_today(practice)
        return context

    @extend_schema(request=LotCreateSerializer, responses={201: LotSerializer})
    def create(self, request, *args, **kwargs):
        body = LotCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lot = lots.register_lot(
            actor=request.user,
            formulation_code=data["formulation"],
            lot_number=data["lot_number"],
            expires_on=data["expires_on"],
        )
        lot = self.get_queryset().get(pk=lot.pk)
        return Response(self.get_serializer(lot).data, status=status.HTTP_201_CREATED)


class EquipmentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EquipmentKind.choices)
    is_active = django_filters.BooleanFilter(help_text="Only equipment in use (or retired).")

    class Meta:
        model = Equipment
        fields = ["kind", "is_active"]


class EquipmentViewSet(PracticeReadOnlyViewSet):
    """The practice's devices and needles (managers keep them in the browser). A pass
    names them by id as `device` and `needle`."""

    serializer_class = EquipmentSerializer
    model = Equipment
    filterset_class = EquipmentFilter

    def get_queryset(self):
        return equipment_for(self.request.user)
