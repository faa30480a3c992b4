"""Courses, appointments and clinicians' calendars over HTTP (API.md):

- courses: book one (POST: the gate and the planner decide), list, read;
- appointments: list with filters, book one, move it (a course's later sessions follow),
  cancel it;
- clinicians: the foundation's staff list (mesoplan.api) plus each clinician's
  appointment feed, which belongs to scheduling.
"""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from mesoplan.api.base import PracticeReadOnlyViewSet, PracticeViewSet
from mesoplan.api.filters import UtcIsoDateTimeFilter
from mesoplan.api.views import ClinicianViewSet
from mesoplan.roles import Role
from mesoplan.tenancy import get_scoped_or_404
from patients.models import Patient
from scheduling import booking, day_actions, rescheduling, selectors
from scheduling.attendance import DayAction
from scheduling.calendar_feed import revoke_feed
from scheduling.conditional_feed import feed_answer
from scheduling.models import Appointment, AppointmentStatus, Course

from .serializers import (
    AppointmentCancelSerializer,
    AppointmentCreateSerializer,
    AppointmentMoveSerializer,
    AppointmentSerializer,
    ClinicianWithFeedSerializer,
    CourseCreateSerializer,
    CourseEndSerializer,
    CourseSerializer,
    MoveDryRunSerializer,
    MoveQuerySerializer,
)

MOVE_PARAMETERS = [
    OpenApiParameter(
        "dry_run",
        bool,
        required=False,
        description="`true`: answer what the move would do (every appointment that would "
        "change, and why) and save nothing; errors as for the move itself.",
    ),
    OpenApiParameter(
        "proposal",
        str,
        required=False,
        description="The `proposal` token of a dry run: if the move would now do anything "
        "else, 409 `proposal_changed` with the new proposal, and nothing moves.",
    ),
]
MOVE_RESPONSES = {
    200: PolymorphicProxySerializer(
        component_name="AppointmentOrMoveDryRun",
        serializers=[AppointmentSerializer, MoveDryRunSerializer],
        resource_type_field_name=None,
    ),
    409: OpenApiResponse(
        description="Not moved: `reschedule_conflict` (a session cannot be placed), "
        "`out_of_order`, `not_scheduled` or `proposal_changed`."
    ),
}


class CourseViewSet(mixins.CreateModelMixin, PracticeReadOnlyViewSet):
    """8-session courses. Booking answers 409, naming the reason, when the patient is not
    ready to book or a session cannot be placed."""

    serializer_class = CourseSerializer
    model = Course

    def get_queryset(self):
        return selectors.courses_for(self.request.user).prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.order_by("sequence"))
        )

    @extend_schema(
        request=CourseCreateSerializer,
        responses={
            201: CourseSerializer,
            404: OpenApiResponse(description="The patient is not one of this practice's."),
        },
    )
    def create(self, request, *args, **kwargs):
        body = CourseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        patient = get_scoped_or_404(Patient, request.user, pk=data["patient"])
        booked = booking.book_course(
            actor=request.user,
            patient=patient,
            protocol_code=data["protocol"],
            clinician_id=data["clinician"],
            start=data["start"],
            initial_interval_days=data["initial_interval_days"],
            targets=data["targets"],
            combinations=data["combinations"],
            operation_date=data["operation_date"],
        )
        course = self.get_queryset().get(pk=booked.course.pk)
        return Response(self.get_serializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CourseEndSerializer,
        responses={200: CourseSerializer},
        description="Ends an active course before its last session, with the reason: its "
        "planned sessions are cancelled, what was recorded stays, and the patient may be "
        "booked into another course of the indication (409 `not_active` otherwise).",
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        course = self.get_object()  # another practice's course: 404 before anything else
        body = CourseEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        course = rescheduling.end_course(
            actor=request.user, course=course, reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=course.pk)).data)


class AppointmentFilter(django_filters.FilterSet):
    clinician = django_filters.UUIDFilter(field_name="clinician_id")
    patient = django_filters.UUIDFilter(field_name="patient_id")
    starts_after = UtcIsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcIsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    status = django_filters.ChoiceFilter(choices=AppointmentStatus.choices)

    class Meta:
        model = Appointment
        fields = ["clinician", "patient", "starts_after", "starts_before", "status"]


class AppointmentViewSet(PracticeViewSet):
    serializer_class = AppointmentSerializer
    model = Appointment
    filterset_class = AppointmentFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":  # the representation names its patient and clinician by id
            return selectors.appointment_rows(self.request.user)
        return selectors.appointments_for(self.request.user)

    def get_object(self):
        """With If-Match the row is read under its lock (ETagMixin); the services lock the
        clinician's and the patient's calendars before an appointment's row
        (booking.lock_calendars), so take them first here too: in the other order a
        guarded move and an unguarded one of the same course could deadlock."""
        if self.is_conditional_write():
            peek = get_scoped_or_404(
                Appointment.objects.only("clinician_id", "patient_id"),
                self.request.user,
                pk=self.kwargs["pk"],
            )
            booking.lock_calendars(peek.clinician_id, peek.patient_id)
        return super().get_object()

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

    @extend_schema(
        request=AppointmentMoveSerializer, parameters=MOVE_PARAMETERS, responses=MOVE_RESPONSES
    )
    def update(self, request, *args, **kwargs):
        """Reschedule: a course session's later sessions move with it, or nothing moves.
        With `?dry_run=true`, what would move and why, and nothing is saved."""
        query = MoveQuerySerializer(data=request.query_params)
        with transaction.atomic():
            appointment = self.get_object()  # If-Match checked under the row lock
            query.is_valid(raise_exception=True)
            body = AppointmentMoveSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            if changed := body.changed_fields(appointment):
                raise ValidationError(changed)
            starts_at = body.validated_data["starts_at"]
            if query.validated_data["dry_run"]:
                proposal = rescheduling.preview_move(
                    actor=request.user,
                    appointment=appointment,
                    starts_at=starts_at,
                    length=body.length(),
                )
                return Response(MoveDryRunSerializer(proposal).data)
            rescheduling.reschedule(
                actor=request.user,
                appointment=appointment,
                starts_at=starts_at,
                length=body.length(),
                proposal=query.validated_data["proposal"],
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=appointment.pk)).data)

    @extend_schema(
        request=AppointmentMoveSerializer, parameters=MOVE_PARAMETERS, responses=MOVE_RESPONSES
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=AppointmentCancelSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel; the body may say why (`reason`, `note`) and may be empty."""
        appointment = self.get_object()
        body = AppointmentCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appointment = rescheduling.cancel(
            actor=request.user,
            appointment=appointment,
            reason=body.validated_data["reason"],
            note=body.validated_data["note"],
        )
        return Response(self.get_serializer(appointment).data)

    def _day_action(self, request, action: DayAction):
        appointment = day_actions.perform(
            actor=request.user, appointment=self.get_object(), action=action
        )
        return Response(self.get_serializer(appointment).data)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """The patient arrived (on the appointment's day): `arrived_at` is set; 409
        `not_now` saying why otherwise."""
        return self._day_action(request, DayAction.CHECK_IN)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="undo-check-in")
    def undo_check_in(self, request, pk=None):
        return self._day_action(request, DayAction.UNDO_CHECK_IN)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        """The patient did not come (once the appointment has begun): status `no_show`."""
        return self._day_action(request, DayAction.NO_SHOW)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="undo-no-show")
    def undo_no_show(self, request, pk=None):
        """Back to `scheduled`, unless a later session of its course is recorded."""
        return self._day_action(request, DayAction.UNDO_NO_SHOW)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """A consultation took place: status `completed` (sessions complete by recording)."""
        return self._day_action(request, DayAction.DONE)


class RevokesOwnFeedOrManages(BasePermission):
    """A feed is revoked by its clinician or a practice manager. An object permission, so
    get_object checks it after the look-up (404) and before If-Match (412)."""

    message = "Only the clinician or a practice manager may revoke this feed."

    def has_object_permission(self, request, view, obj):
        return request.user.pk == obj.pk or request.user.role == Role.PRACTICE_MANAGER


class ClinicianCalendarViewSet(ClinicianViewSet):
    """The practice's clinicians, with their private calendar subscription URL."""

    serializer_class = ClinicianWithFeedSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="The ETag of a feed read before: 304 while it is unchanged.",
            ),
            OpenApiParameter(
                "If-Modified-Since",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="The Last-Modified of a feed read before: 304 while it is "
                "unchanged (If-None-Match decides when both are sent).",
            ),
        ],
        responses={
            (200, "text/calendar"): OpenApiResponse(description="RFC 5545 calendar"),
            304: OpenApiResponse(description="Not modified since the feed was read"),
        },
    )
    @action(detail=True, methods=["get"], url_path="calendar.ics")
    def calendar(self, request, pk=None):
        """The clinician's appointments as an iCalendar feed (docs/api.md): a window
        around today; conditional on If-None-Match or If-Modified-Since (304)."""
        return feed_answer(request, self.get_object())

    @extend_schema(request=None, responses=ClinicianWithFeedSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="feed/revoke",
        permission_classes=[*ClinicianViewSet.permission_classes, RevokesOwnFeedOrManages],
    )
    def revoke_feed(self, request, pk=None):
        """Revoke the clinician's subscription URL and issue a new one (the clinician
        themself or a practice manager)."""
        clinician = self.get_object()  # 404, then the role (403), then If-Match (412)
        revoke_feed(clinician)
        return Response(self.get_serializer(clinician).data)
