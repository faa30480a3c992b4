"""Product lots over HTTP (API.md "Product lots"): list, register, read; the recall of a
lot (every patient and session that received it) as JSON pages and as CSV; and the
practice's equipment, read-only (clients need its ids for a pass's device and needle)."""

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mesoplan import audit
from mesoplan.api.base import PracticeReadOnlyViewSet
from mesoplan.audit import Action
from mesoplan.clock import practice_today
from sessions import lot_recall, lots
from sessions.equipment import equipment_for
from sessions.models import Equipment, EquipmentKind, ProductLot

from .lot_serializers import (
    EquipmentSerializer,
    LotCreateSerializer,
    LotSerializer,
    RecipientSerializer,
)


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
        field_name="lot_number",
        lookup_expr="istartswith",
        help_text="Lot numbers starting with this, ignoring case.",
    )

    class Meta:
        model = ProductLot
        fields = ["formulation", "usable_on", "q"]


class LotViewSet(mixins.CreateModelMixin, PracticeReadOnlyViewSet):
    """The practice's product lots, newest first. Managers and clinicians read and
    register them; the recall lists who received a lot."""

    serializer_class = LotSerializer
    model = ProductLot
    filterset_class = LotFilter

    def get_queryset(self):
        return lots.lots_for(self.request.user)

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

    def _recipient_records(self):
        lot = self.get_object()
        return lot, lot_recall.recipient_records(self.request.user, lot)

    @extend_schema(
        responses=RecipientSerializer(many=True),
        filters=False,
        description="Every session that received the lot, newest first, with the patient's "
        "contact details (a pharmacovigilance recall). A session whose earlier version "
        "named the lot is kept, with `in_current_version` false. Audited.",
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def recipients(self, request, pk=None):
        lot, records = self._recipient_records()
        page = lot_recall.recipients_of(self.paginate_queryset(records) or [])
        audit.record(
            request.user,
            Action.LOT_RECALL_VIEW,
            lot,
            summary=f"Lot {lot.lot_number}: {len(page)} sessions listed",
            details={"patients": sorted({str(r.patient.pk) for r in page})},
        )
        return self.get_paginated_response(RecipientSerializer(page, many=True).data)

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="The whole recall as CSV (UTF-8, a header row, one row per "
                "session; cells that a spreadsheet would read as a formula start with "
                "a single quote). Audited.",
            )
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="recipients.csv",
        url_name="recipients-csv",
        filterset_class=None,
        pagination_class=None,
    )
    def recipients_csv(self, request, pk=None):
        lot, records = self._recipient_records()
        rows = lot_recall.recipients_of(records)
        body = lot_recall.recipients_csv(rows, request.user.practice)
        audit.record(
            request.user,
            Action.LOT_RECALL_EXPORT,
            lot,
            summary=f"Lot {lot.lot_number}: {len(rows)} sessions exported",
            details={"patients": sorted({str(r.patient.pk) for r in rows})},
        )
        return csv_response(body, lot_recall.csv_filename(lot))


def csv_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
