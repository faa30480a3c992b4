from typing import cast

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from mesoplan.auth import second_factor, tokens
from mesoplan.auth.one_at_a_time import authenticate_in_turn
from mesoplan.auth.steps import MESSAGES, Step, next_sign_in_step
from mesoplan.models import ApiToken, User
from mesoplan.selectors import clinicians_for

from .base import PracticeReadOnlyViewSet
from .conditional import ETagMixin
from .serializers import (
    ApiTokenSerializer,
    ClinicianSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)


def _refusal(step: Step, http_status: int) -> Response:
    response = Response({"detail": MESSAGES[step], "code": str(step)}, status=http_status)
    if http_status == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = "Token"
    return response


class TokenView(APIView):
    """Exchange a username and password (and, once the user has a second factor, its
    code as `otp`) for a new named API token that expires (lock-out as API.md says).
    The key is shown in this answer only."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Invalid credentials"),
            401: OpenApiResponse(
                description="`otp_required`: the user has a second factor and `otp` was "
                "missing or wrong"
            ),
            403: OpenApiResponse(
                description="`password_change_required` (a temporary password) or "
                "`second_factor_enrolment_required`: sign in in the browser first"
            ),
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
        data = serializer.validated_data
        user = authenticate_in_turn(
            request._request, username=data["username"], password=data["password"]
        )
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["Unable to sign in with the username and password given."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        has_factor = second_factor.has_second_factor(user)
        verified = bool(data.get("otp")) and second_factor.verify_code(user, data["otp"])
        step = next_sign_in_step(
            has_factor=has_factor,
            verified=bool(verified),
            required=second_factor.is_second_factor_required(user),
            must_change_password=user.must_change_password,
        )
        if step is Step.VERIFY:
            return _refusal(step, status.HTTP_401_UNAUTHORIZED)
        if step is not None:
            return _refusal(step, status.HTTP_403_FORBIDDEN)
        issued = tokens.issue_token(user, name=data.get("name", ""))
        return Response(
            {
                "token": issued.key,
                "id": issued.token.pk,
                "name": issued.token.name,
                "expires_at": issued.token.expires_at,
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary="API tokens: your own; a practice manager sees the practice's staff's too"
    ),
    retrieve=extend_schema(summary="One API token (never its key)"),
    destroy=extend_schema(summary="Revoke a token: it stops working at once"),
)
class ApiTokenViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        user = cast(User, self.request.user)
        return tokens.tokens_visible_to(user).order_by("-created_at", "-id")

    def perform_destroy(self, instance):
        tokens.revoke_token(actor=cast(User, self.request.user), token=instance)


class ClinicianViewSet(PracticeReadOnlyViewSet):
    """The practice's clinicians. Routed by `scheduling.api`, which adds each clinician's
    calendar (appointments belong to the calendar, not to the foundation)."""

    serializer_class = ClinicianSerializer

    def get_queryset(self):
        return clinicians_for(self.request.user)
