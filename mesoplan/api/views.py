from django.contrib.auth import authenticate
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mesoplan.calendar_feed import revoke_feed
from mesoplan.ical import clinician_calendar
from mesoplan.roles import Role
from mesoplan.selectors import clinicians_for

from .base import PracticeReadOnlyViewSet
from .serializers import ClinicianSerializer, TokenRequestSerializer, TokenResponseSerializer


class TokenView(APIView):
    """Exchange a username and password for an API token (lock-out as API.md says)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Invalid credentials"),
            429: OpenApiResponse(description="Locked out after repeated failures"),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Django's request (not DRF's wrapper) so django-axes can count and lock; for a
        # locked username AxesMiddleware replaces this answer with the 429 (auth/lockout.py).
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to sign in with the username and password given."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class ClinicianViewSet(PracticeReadOnlyViewSet):
    """The practice's clinicians, with their private calendar subscription URL."""

    serializer_class = ClinicianSerializer

    def get_queryset(self):
        return clinicians_for(self.request.user)

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiResponse(description="RFC 5545 calendar")}
    )
    @action(detail=True, methods=["get"], url_path="calendar.ics")
    def calendar(self, request, pk=None):
        clinician = self.get_object()
        body = clinician_calendar(clinician)
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")

    @extend_schema(request=None, responses=ClinicianSerializer)
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
