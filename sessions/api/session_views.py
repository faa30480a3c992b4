"""A performed session over HTTP (API.md "Session records"): record it with its
pre-session check, read it with every version, amend it."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from mesoplan import audit
from mesoplan.api.base import PracticeScopedMixin
from mesoplan.api.conditional import ETagMixin
from mesoplan.api.idempotent import IdempotentPostMixin
from mesoplan.api.permissions import WorksInPractice
from mesoplan.audit import Action
from mesoplan.clock import practice_today
from mesoplan.tenancy import get_scoped_or_404
from sessions import recording, selectors
from sessions.models import Appointment
from sessions.pass_input import PassInput
from sessions.pre_check import CheckAnswers

from .session_of_appointment import NO_SESSION, SessionOfAppointmentMixin
from .session_serializers import (
    AmendmentCreateSerializer,
    SessionCreateSerializer,
    SessionRecordSerializer,
)

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
