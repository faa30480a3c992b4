"""Appointments over HTTP (API.md): list with filters, book one, move it (a course's later
sessions follow), cancel it."""

import django_filters
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mesoplan.api.base import PracticeViewSet
from mesoplan.api.filters import UtcIsoDateTimeFilter
from mesoplan.api.strict import StrictSerializer
from mesoplan.tenancy import get_scoped_or_404
from patients.models import Patient
from sessions import booking, rescheduling, selectors
from sessions.models import Appointment, AppointmentKind, AppointmentStatus

from .course_serializers import AppointmentSerializer


class AppointmentFilter(django_filters.FilterSet):
    clinician = django_filters.UUIDFilter(field_name="clinician_id")
    patient = django_filters.UUIDFilter(field_name="patient_id")
    starts_after = UtcIsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcIsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    status = django_filters.ChoiceFilter(choices=AppointmentStatus.choices)

    class Meta:
        model = Appointment
        fields = ["clinician", "patient", "starts_after", "starts_before", "status"]


class AppointmentCreateSerializer(StrictSerializer):
    patient = serializers.UUIDField()
    clinician = serializers.UUIDField()
    kind = serializers.ChoiceField(
        choices=[AppointmentKind.CONSULTATION, AppointmentKind.MAINTENANCE]
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class AppointmentMoveSerializer(StrictSerializer):
    starts_at = serializers.DateTimeField()


class AppointmentViewSet(PracticeViewSet):
    serializer_class = AppointmentSerializer
    model = Appointment
    filterset_class = AppointmentFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.appointments_for(self.request.user)

    @extend_schema(
        request=AppointmentCreateSerializer,
        responses={
            201: AppointmentSerializer,
            404: OpenApiResponse(description="The patient is not one of this practice's."),
        },
    )
    def create(self, request, *args, **kwargs):
        body = AppointmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        patient = get_scoped_or_404(Patient, request.user, pk=data["patient"])
        appointment = booking.book_appointment(
            actor=request.user,
            patient=patient,
            clinician_id=data["clinician"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
        return Response(self.get_serializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppointmentMoveSerializer, responses=AppointmentSerializer)
    def update(self, request, *args, **kwargs):
        """Reschedule: a course session's later sessions move with it, or nothing moves."""
        with transaction.atomic():
            appointment = self.get_object()  # If-Match checked under the row lock
            body = AppointmentMoveSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            rescheduling.reschedule(
                actor=request.user,
                appointment=appointment,
                starts_at=body.validated_data["starts_at"],
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=appointment.pk)).data)

    @extend_schema(request=AppointmentMoveSerializer, responses=AppointmentSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = rescheduling.cancel(actor=request.user, appointment=self.get_object())
        return Response(self.get_serializer(appointment).data)
