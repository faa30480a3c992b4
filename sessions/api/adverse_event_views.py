"""Adverse events of a recorded session (API.md "Session records"):
`/api/v1/appointments/{id}/session/adverse-events/` lists and records them, `.../{event}/`
reads one, `.../{event}/follow-ups/` adds a follow-up. An appointment without a session
record has nothing to attach an event to: 404, as for another practice's appointment."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from mesoplan.api.base import PracticeReadOnlyViewSet
from sessions import adverse_events
from sessions.models import AdverseEvent

from .adverse_event_serializers import (
    AdverseEventCreateSerializer,
    AdverseEventSerializer,
    FollowUpCreateSerializer,
)
from .session_of_appointment import SessionOfAppointmentMixin


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
