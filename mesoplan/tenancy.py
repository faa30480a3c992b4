"""Practice scoping: the one mechanism through which every view and endpoint reads
practice data. An object of another practice is simply not in the queryset, so it
answers 404 by construction (API.md: existence is never disclosed).

A model opts in by using `PracticeScopedManager` and naming the path to its practice
(`practice_path`, e.g. "patient__practice"). Views call `scoped(Model, actor)` or use
`get_scoped_or_404`; there is no other way to reach practice data from a request.
"""

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from .roles import works_in_practice

M = TypeVar("M", bound=models.Model)


class PracticeScopedQuerySet(models.QuerySet):
    def for_actor(self, actor: Any) -> "PracticeScopedQuerySet":
        """Rows of the actor's practice; nothing for anyone who does not act for one."""
        if not works_in_practice(actor):
            return self.none()
        path = self.model.practice_path  # type: ignore[attr-defined]
        return self.filter(**{f"{path}_id": actor.practice_id})


class PracticeScopedManager(models.Manager.from_queryset(PracticeScopedQuerySet)):  # type: ignore[misc]
    pass


def scoped(model: type[M], actor: Any) -> models.QuerySet[M]:
    return model.objects.for_actor(actor)  # type: ignore[attr-defined]


def get_scoped_or_404(queryset_or_model: Any, actor: Any, **lookup: Any) -> Any:
    """The object if it belongs to the actor's practice, else 404 (never 403)."""
    qs = queryset_or_model
    if isinstance(qs, type):
        qs = scoped(qs, actor)
    elif hasattr(qs, "for_actor"):
        qs = qs.for_actor(actor)
    else:  # pragma: no cover - a plain queryset would bypass scoping
        raise TypeError("get_scoped_or_404 needs a practice-scoped model or queryset")
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
