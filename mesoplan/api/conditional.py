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


def writes_one_object(method: str, detail: bool | None) -> bool:
    """The writes an If-Match guards: PUT, PATCH and DELETE, and a POST action on a detail
    route (`detail` is set by the router: True on the routes of one object, None on a view
    wired by hand, whose handler finds its object its own way).

    >>> writes_one_object("POST", True), writes_one_object("POST", False)
    (True, False)
    >>> writes_one_object("PATCH", None), writes_one_object("GET", True)
    (True, False)
    """
    return method in ("PUT", "PATCH", "DELETE") or (method == "POST" and detail is True)


class ETagMixin:
    """For model viewsets: ETag on detail answers; If-Match checked under a row lock, in
    the transaction of the write it guards.

    The writes an If-Match guards are PUT, PATCH and DELETE, and a POST action on a
    detail route (an `@action(detail=True)`: cancel, check-in, end, ...). With If-Match,
    such a request's handler runs in one transaction whose first read of the object
    (`get_object`) locks its row: a concurrent writer with the same ETag waits for the
    first to commit and then sees the new version (412), instead of both passing the check.
    The idempotency key is claimed outside that transaction (IdempotentPostMixin runs in
    `initial`, before the handler), so it stays visible to a concurrent retry.
    """

    detail_actions = frozenset({"retrieve", "update", "partial_update", "create"})

    def is_conditional_write(self) -> bool:
        request = self.request  # type: ignore[attr-defined]
        return "If-Match" in request.headers and writes_one_object(
            request.method, getattr(self, "detail", None)
        )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # auth and permissions first
        if self.is_conditional_write():
            # DRF looks the handler up on the instance after `initial` (a viewset binds its
            # action there too): the check and the write run in one transaction.
            name = request.method.lower()
            handler = getattr(self, name, None)
            if handler is not None:
                setattr(self, name, transaction.atomic(handler))

    def filter_queryset(self, queryset):
        # Here rather than in get_queryset, which views override without calling super()
        # (their selectors): get_object reads its row through filter_queryset always.
        queryset = super().filter_queryset(queryset)  # type: ignore[misc]
        if self.is_conditional_write():
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def get_object(self):
        obj = super().get_object()  # type: ignore[misc]  # another practice's: 404 first
        request = self.request  # type: ignore[attr-defined]
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            header = request.headers.get("If-Match")
            if header is not None:
                current = etag_for(self.get_serializer(obj).data)  # type: ignore[attr-defined]
                if not if_match_holds(header, current):
                    raise PreconditionFailed
        self._etag_subject = obj
        return obj

    def answers_with_etag(self, response) -> bool:
        """A detail answer, or a detail POST action's answer that is the object it acted on
        (its representation names the object), so a client can chain the next write."""
        data = getattr(response, "data", None)
        if response.status_code not in (200, 201) or not isinstance(data, dict):
            return False
        if getattr(self, "action", None) in self.detail_actions:
            return True
        subject = getattr(self, "_etag_subject", None)
        return (
            subject is not None
            and writes_one_object(self.request.method, getattr(self, "detail", None))  # type: ignore[attr-defined]
            and str(data.get("id")) == str(subject.pk)
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if self.answers_with_etag(response):
            response["ETag"] = etag_for(response.data)
        return response


class ConditionalUpdateMixin(ETagMixin):
    """For writable viewsets: the If-Match check and the write share one transaction."""

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().update(request, *args, **kwargs)  # type: ignore[misc]
