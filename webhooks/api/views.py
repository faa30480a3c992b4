"""/api/v1/webhooks/ (API.md, Webhooks): a practice manager's endpoints, their secret
(shown once), rotation, the delivery log and sending a message again. Another practice's
endpoint is a 404 (looked up first), a clinician's request a 403."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from mesoplan.api.base import PracticeScopedMixin
from mesoplan.api.conditional import ETagMixin
from mesoplan.api.idempotent import IdempotentPostMixin
from mesoplan.api.pagination import ResultsPagination
from mesoplan.roles import require_practice_manager
from mesoplan.tenancy import scoped
from webhooks import endpoints
from webhooks.models import Attempt, Endpoint

from .serializers import (
    AttemptSerializer,
    EndpointCreateSerializer,
    EndpointSerializer,
    EndpointUpdateSerializer,
    EndpointWithSecretSerializer,
    RedeliverSerializer,
)


class DeliveryPagination(ResultsPagination):
    page_size = 50


class WebhookEndpointViewSet(
    IdempotentPostMixin, ETagMixin, PracticeScopedMixin, viewsets.GenericViewSet
):
    """Webhook endpoints of the practice (practice managers)."""

    model = Endpoint
    serializer_class = EndpointSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    detail_actions = frozenset({"retrieve", "partial_update", "update", "create", "rotate_secret"})

    def _manager_only(self) -> None:
        require_practice_manager(self.request.user, "manage webhooks")

    def list(self, request):
        self._manager_only()
        rows = self.get_queryset().order_by("created_at", "id")
        return Response({"results": EndpointSerializer(rows, many=True).data, "next": None})

    @extend_schema(request=EndpointCreateSerializer, responses={201: EndpointWithSecretSerializer})
    def create(self, request):
        self._manager_only()
        body = EndpointCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = endpoints.register(actor=request.user, **body.validated_data)
        data = EndpointWithSecretSerializer(made.endpoint, context={"secret": made.secret}).data
        return Response(data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        endpoint = self.get_object()
        self._manager_only()
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(request=EndpointUpdateSerializer, responses=EndpointSerializer)
    def partial_update(self, request, pk=None):
        with transaction.atomic():
            endpoint = self.get_object()  # If-Match checked here
            self._manager_only()
            body = EndpointUpdateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            endpoint = endpoints.update(
                actor=request.user, endpoint=endpoint, **body.validated_data
            )
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(request=EndpointUpdateSerializer, responses=EndpointSerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        endpoint = self.get_object()
        self._manager_only()
        endpoints.remove(actor=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=EndpointWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret, shown in this answer only; the previous one signs as well for 24 hours."""
        endpoint = self.get_object()
        self._manager_only()
        made = endpoints.rotate_secret(actor=request.user, endpoint=endpoint)
        return Response(
            EndpointWithSecretSerializer(made.endpoint, context={"secret": made.secret}).data
        )

    @extend_schema(responses=AttemptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """Every attempt, newest first: event, status code or error, duration, attempt
        number, next retry."""
        endpoint = self.get_object()
        self._manager_only()
        attempts = (
            scoped(Attempt, request.user)
            .filter(message__endpoint=endpoint)
            .select_related("message")
            .order_by("-at", "-id")
        )
        paginator = DeliveryPagination()
        page = paginator.paginate_queryset(attempts, request, view=self)
        return paginator.get_paginated_response(AttemptSerializer(page, many=True).data)

    @extend_schema(
        request=RedeliverSerializer,
        responses={202: OpenApiResponse(description="Queued: it is sent again at once.")},
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send a message again (a failed one gets a new round of retries)."""
        endpoint = self.get_object()
        self._manager_only()
        body = RedeliverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = endpoints.redeliver(
            actor=request.user, endpoint=endpoint, message_id=body.validated_data["message"]
        )
        return Response(
            {"message": message.pk, "state": message.state}, status=status.HTTP_202_ACCEPTED
        )
