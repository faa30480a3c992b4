"""`GET /api/v1/appointments/changes/` (API.md, Sync): the changes feed over HTTP. The
rules are in scheduling.sync; here the query, the errors and the page's shape."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from mesoplan.api.permissions import WorksInPractice
from mesoplan.middleware import activate_practice_zone
from scheduling import sync

from .serializers import AppointmentSerializer


class SyncTokenExpired(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = (
        "This sync token is older than the change history kept: start again without `since`."
    )
    default_code = "sync_token_expired"


class ChangesQuerySerializer(serializers.Serializer):
    since = serializers.CharField(required=False, max_length=1000, trim_whitespace=False)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=sync.MAX_LIMIT, default=sync.DEFAULT_LIMIT
    )


class DeletedAppointmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    deleted = serializers.BooleanField()


CHANGES_PAGE = inline_serializer(
    "AppointmentChangesPage",
    {
        "changes": serializers.ListField(
            child=AppointmentSerializer(),
            help_text="Each changed appointment once, in its latest state; a deleted one as "
            '`{"id": ..., "deleted": true}` (schema: DeletedAppointment).',
        ),
        "next": serializers.CharField(help_text="The token of the next call (opaque)."),
        "more": serializers.BooleanField(help_text="Call again with `next` at once."),
    },
)


class AppointmentChangesView(APIView):
    """The practice's appointments for a client that keeps a copy. Without `since`, every
    appointment (in pages); then, with each `next`, what was created, changed, cancelled
    or deleted since, each appointment once per page in its latest state. No change is
    skipped when writes commit concurrently. Call again with `next` while `more` is true;
    when it is false the copy is up to date, and `next` is where to ask next time."""

    permission_classes = [WorksInPractice]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        activate_practice_zone(request.user)

    @extend_schema(
        operation_id="appointments_changes",
        tags=["appointments"],
        parameters=[
            OpenApiParameter(
                "since",
                str,
                required=False,
                description="The `next` of the previous page; omit for a first sync.",
            ),
            OpenApiParameter(
                "limit", int, required=False, description="Changes per page, 1 to 1000 (100)."
            ),
        ],
        responses={
            200: CHANGES_PAGE,
            400: OpenApiResponse(description="`since` is not a token of this practice."),
            410: OpenApiResponse(
                description="The token is older than the kept history (at least 30 days): "
                "start again without `since`."
            ),
        },
    )
    def get(self, request):
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        practice = request.user.practice
        try:
            page = sync.read(
                practice, query.validated_data.get("since"), query.validated_data["limit"]
            )
        except sync.InvalidToken:
            raise ValidationError(
                {"since": ["Not a sync token of this practice: use the `next` you were given."]}
            ) from None
        except sync.ExpiredToken:
            return Response(
                {"detail": SyncTokenExpired.default_detail, "code": SyncTokenExpired.default_code},
                status=SyncTokenExpired.status_code,
            )
        # One serializer for the page (up to 1000 rows): one per row took twice as long to
        # serialise a page, about 30 ms of 1000 rows' (bench_sync).
        shown = {
            item["id"]: item for item in AppointmentSerializer(page.appointments, many=True).data
        }
        gone = set(page.deleted)
        changes = [{"id": pk, "deleted": True} if pk in gone else shown[pk] for pk in page.order]
        return Response({"changes": changes, "next": page.next, "more": page.more})
