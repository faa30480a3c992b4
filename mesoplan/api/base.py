"""Base viewsets: every practice-data endpoint derives from these, so scoping (404 for
another practice's objects), idempotency keys and ETags apply everywhere."""

from typing import Any

from rest_framework import mixins, viewsets

from mesoplan.middleware import activate_practice_zone
from mesoplan.tenancy import scoped

from .conditional import ConditionalUpdateMixin, ETagMixin
from .idempotent import IdempotentPostMixin
from .permissions import WorksInPractice


class PracticeScopedMixin:
    """`get_queryset` starts from the actor's practice: another practice's row is a 404."""

    permission_classes: Any = [WorksInPractice]
    model: Any = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # DRF authenticates a token only now: show times in the practice's zone, exactly
        # as the browser does (the middleware saw an anonymous user).
        activate_practice_zone(request.user)

    def get_queryset(self):
        return scoped(self.model, self.request.user)  # type: ignore[attr-defined]


class PracticeReadOnlyViewSet(
    IdempotentPostMixin, ETagMixin, PracticeScopedMixin, viewsets.ReadOnlyModelViewSet
):
    lookup_value_regex = "[0-9a-fA-F-]{36}"


class PracticeViewSet(
    IdempotentPostMixin,
    ConditionalUpdateMixin,
    PracticeScopedMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    lookup_value_regex = "[0-9a-fA-F-]{36}"
