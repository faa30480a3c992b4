"""ETags on detail responses and If-Match on writes (API.md: stale If-Match is 412)."""

import hashlib
import json

from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.utils.encoders import JSONEncoder


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it (If-Match does not match)."
    default_code = "precondition_failed"


def etag_for(representation) -> str:
    raw = json.dumps(representation, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def if_match_holds(header: str | None, current_etag: str) -> bool:
    if header is None:
        return True
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in candidates or current_etag in candidates


class ETagMixin:
    """For model viewsets: ETag on detail answers; If-Match checked under a row lock."""

    detail_actions = frozenset({"retrieve", "update", "partial_update", "create"})

    def get_queryset(self):
        qs = super().get_queryset()  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        if request.method in ("PUT", "PATCH", "DELETE") and "If-Match" in request.headers:
            qs = qs.select_for_update(of=("self",))
        return qs

    def get_object(self):
        obj = super().get_object()  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            header = request.headers.get("If-Match")
            if header is not None:
                current = etag_for(self.get_serializer(obj).data)  # type: ignore[attr-defined]
                if not if_match_holds(header, current):
                    raise PreconditionFailed
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if (
            getattr(self, "action", None) in self.detail_actions
            and response.status_code in (200, 201)
            and isinstance(getattr(response, "data", None), dict)
        ):
            response["ETag"] = etag_for(response.data)
        return response


class ConditionalUpdateMixin(ETagMixin):
    """For writable viewsets: the If-Match check and the write share one transaction."""

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().update(request, *args, **kwargs)  # type: ignore[misc]
