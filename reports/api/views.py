"""/api/v1/reports/: ask for a build (202 at once), then read it. Thin: reports.builds
decides who may ask, checks the filters and joins a pending identical build."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mesoplan.api.conditional import ETagMixin
from mesoplan.api.idempotent import IdempotentPostMixin
from reports import builds

from .serializers import ReportRequestSerializer, ReportSerializer


class ReportViewSet(
    IdempotentPostMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Meso-Report builds: a manager's of their practice, a network admin's of the
    network (with the per-practice comparison, small cells suppressed)."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        # A clinician's is empty: a build's id answers 404, as anything out of scope.
        return builds.reports_for(self.request.user).select_related("requested_by")

    def list(self, request, *args, **kwargs):
        if not builds.may_request(request.user):
            raise PermissionDenied("Only a practice manager or a network admin reads reports.")
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=ReportRequestSerializer,
        responses={
            202: ReportSerializer,
            400: OpenApiResponse(description="An unknown kind or filter value, by field."),
            403: OpenApiResponse(description="Not a practice manager or network admin."),
        },
        description="Answers at once with the build (`pending`); the same request while "
        "one is pending or running answers that one.",
    )
    def create(self, request, *args, **kwargs):
        report, _ = builds.request_report(request.user, request.data)
        report.refresh_from_db()
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)
