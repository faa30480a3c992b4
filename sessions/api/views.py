"""The clinicians endpoint with each clinician's calendar: the foundation's staff list
(mesoplan.api) plus the appointment feed, which belongs to sessions."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from mesoplan.api.views import ClinicianViewSet
from mesoplan.roles import Role
from sessions.calendar_feed import revoke_feed
from sessions.ical import clinician_calendar

from .serializers import ClinicianWithFeedSerializer


class ClinicianCalendarViewSet(ClinicianViewSet):
    """The practice's clinicians, with their private calendar subscription URL."""

    serializer_class = ClinicianWithFeedSerializer

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiResponse(description="RFC 5545 calendar")}
    )
    @action(detail=True, methods=["get"], url_path="calendar.ics")
    def calendar(self, request, pk=None):
        clinician = self.get_object()
        body = clinician_calendar(clinician)
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")

    @extend_schema(request=None, responses=ClinicianWithFeedSerializer)
    @action(detail=True, methods=["post"], url_path="feed/revoke")
    def revoke_feed(self, request, pk=None):
        """Revoke the clinician's subscription URL and issue a new one (the clinician
        themself or a practice manager)."""
        clinician = self.get_object()
        if request.user.pk != clinician.pk and request.user.role != Role.PRACTICE_MANAGER:
            return Response(
                {"detail": "Only the clinician or a practice manager may revoke this feed."},
                status=status.HTTP_403_FORBIDDEN,
            )
        revoke_feed(clinician)
        return Response(self.get_serializer(clinician).data)
