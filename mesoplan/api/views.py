from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mesoplan.auth.one_at_a_time import authenticate_in_turn
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
        # One attempt per username at a time: the lock-out counts every failure.
        user = authenticate_in_turn(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to sign in with the username and password given."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class ClinicianViewSet(PracticeReadOnlyViewSet):
    """The practice's clinicians. Routed by `scheduling.api`, which adds each clinician's
    calendar (appointments belong to the calendar, not to the foundation)."""

    serializer_class = ClinicianSerializer

    def get_queryset(self):
        return clinicians_for(self.request.user)
