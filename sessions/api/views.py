"""The treatment room over HTTP (API.md "Session records", "Product lots"):

- a performed session: record it with its pre-session check, read it with every version,
  amend it;
- its adverse events: `/api/v1/appointments/{id}/session/adverse-events/` lists and
  records them, `.../{event}/` reads one, `.../{event}/follow-ups/` adds a follow-up (an
  appointment without a session record has nothing to attach an event to: 404, as for
  another practice's appointment);
- a lot's recall: `/api/v1/lots/{id}/recipients/` (JSON pages) and `recipients.csv`,
  every session that received the lot. Reading and exporting it are audited."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from lots.models import ProductLot
from lots.selectors import lots_for
from mesoplan import audit
from mesoplan.api.base import PracticeReadOnlyViewSet, PracticeScopedMixin
from mesoplan.api.conditional import ETagMixin
from mesoplan.api.idempotent import IdempotentPostMixin
from mesoplan.api.permissions import WorksInPractice
from mesoplan.audit import Action
from mesoplan.clock import practice_today
from mesoplan.downloads import csv_download
from mesoplan.tenancy import get_scoped_or_404
from scheduling.models import Appointment
from sessions import adverse_events, lot_recall, recording, selectors
from sessions.models import AdverseEvent
from sessions.pass_input import PassInput
from sessions.pre_check import CheckAnswers

from .serializers import (
    AdverseEventCreateSerializer,
    AdverseEventSerializer,
    AmendmentCreateSerializer,
    FollowUpCreateSerializer,
    RecipientSerializer,
    SessionCreateSerializer,
    SessionRecordSerializer,
)
from .session_of_appointment import NO_SESSION, SessionOfAppointmentMixin

CHECK_CONFLICT = OpenApiResponse(
    description="The pre-session check defers or excludes treatment (only the check is "
    "stored; `findings` name why), or the appointment is not scheduled, or a consultation."
)


class SessionRecordViewSet(
    IdempotentPostMixin,
    ETagMixin,
    PracticeScopedMixin,
    SessionOfAppointmentMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [WorksInPractice]
    serializer_class = SessionRecordSerializer
    detail_actions = frozenset({"retrieve", "create", "amend"})

    def _appointment(self) -> Appointment:
        return get_scoped_or_404(Appointment, self.request.user, pk=self.kwargs["appointment_pk"])

    def session_records(self):
        return selectors.session_records_for(self.request.user)

    @extend_schema(
        responses={
            200: SessionRecordSerializer,
            404: NO_SESSION,
        }
    )
    def retrieve(self, request, appointment_pk=None):
        record = self.session_record()
        audit.record(
            request.user,
            Action.SESSION_VIEW,
            record,
            patient_id=record.patient_id,
            summary="API",
        )
        return Response(self.get_serializer(record).data)

    @extend_schema(
        request=SessionCreateSerializer,
        responses={201: SessionRecordSerializer, 409: CHECK_CONFLICT},
    )
    def create(self, request, appointment_pk=None):
        appointment = self._appointment()
        body = SessionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        record = recording.record_session(
            actor=request.user,
            appointment=appointment,
            answers=CheckAnswers(
                checked_on=practice_today(request.user.practice),
                conditions=frozenset(data["conditions"]),
                new_allergies=tuple(a.strip() for a in data["new_allergies"] if a.strip()),
                herpes_prophylaxis_given=data["herpes_prophylaxis_given"],
                caution_acknowledgement=data["caution_acknowledgement"],
            ),
            passes=[PassInput.from_mapping(p) for p in data["passes"]],
            performed_at=data.get("performed_at"),
            notes=data["notes"],
        )
        return self._created(record)

    @extend_schema(
        request=AmendmentCreateSerializer,
        responses={
            201: SessionRecordSerializer,
            404: NO_SESSION,
        },
    )
    def amend(self, request, appointment_pk=None):
        """Correct a recorded session: a new version of its passes (and notes, time), with
        the reason. Earlier versions stay readable under `versions`."""
        record = self.session_record()
        body = AmendmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        recording.amend_session(
            actor=request.user,
            record=record,
            reason=data["reason"],
            passes=[PassInput.from_mapping(p) for p in data["passes"]],
            notes=data["notes"],
            performed_at=data["performed_at"],
        )
        return self._created(record)

    def _created(self, record):
        """The record as it stands now, with every version (read afresh)."""
        fresh = self.session_records().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        description="The session's adverse events, newest onset first, with their lots and "
        "follow-ups. 404 when the appointment has no session record."
    )
)
class AdverseEventViewSet(
    SessionOfAppointmentMixin, mixins.CreateModelMixin, PracticeReadOnlyViewSet
):
    serializer_class = AdverseEventSerializer
    model = AdverseEvent

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no appointment
            return AdverseEvent.objects.none()
        return adverse_events.adverse_events_for(self.request.user).filter(
            session_record=self.session_record()
        )

    @extend_schema(
        request=AdverseEventCreateSerializer,
        responses={201: AdverseEventSerializer},
        description="Records an adverse event against the session (clinicians). `lots` "
        "omitted links every lot of the record's current version. 400 for a lot not used "
        "in the session or an onset before it; 404 without a session record.",
    )
    def create(self, request, *args, **kwargs):
        record = self.session_record()
        body = AdverseEventCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        event = adverse_events.record_adverse_event(
            actor=request.user,
            session_record=record,
            type=data["type"],
            severity=data["severity"],
            onset_at=data["onset_at"],
            description=data["description"],
            action_taken=data["action_taken"],
            outcome=data["outcome"],
            lot_ids=data.get("lots"),
        )
        event = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=FollowUpCreateSerializer,
        responses={201: AdverseEventSerializer},
        description="Adds a follow-up (clinicians): the event's outcome now and a note. "
        "The event itself never changes; the answer is the event with its follow-ups.",
    )
    def follow_up(self, request, *args, **kwargs):
        event = self.get_object()
        body = FollowUpCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        adverse_events.follow_up_adverse_event(
            actor=request.user,
            event=event,
            outcome=body.validated_data["outcome"],
            note=body.validated_data["note"],
        )
        event = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)


class LotRecallViewSet(
    IdempotentPostMixin, ETagMixin, PracticeScopedMixin, viewsets.GenericViewSet
):
    """The recall of a product lot (API.md "Product lots"): every patient and session that
    received it, as JSON pages and as CSV, under the lot's own URL (`lots/{id}/...`)."""

    lookup_value_regex = "[0-9a-fA-F-]{36}"
    serializer_class = RecipientSerializer
    model = ProductLot
    filterset_class = None

    def get_queryset(self):
        return lots_for(self.request.user)

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
        lot_recall.record_listing(request.user, lot, page)
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
        lot = self.get_object()
        return csv_download(
            lot_recall.export_recall(request.user, lot), lot_recall.csv_filename(lot)
        )
