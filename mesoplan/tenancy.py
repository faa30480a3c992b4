"""Scoping: the one mechanism through which every view, endpoint and task reads
practice data. An object outside the actor's scope is simply not in the queryset, so it
answers 404 by construction (API.md: existence is never disclosed).

An actor is a signed-in user, or a `Scope` itself for code that runs without a request
user (Celery tasks, management commands). Its scope is one of:
- a practice: clinicians and practice managers, and tasks working for one practice;
- a network: network admins (aggregated statistics only) and network-wide tasks;
- nothing: anonymous users, inactive or unscoped accounts. Nothing is returned.

A model opts in by using `PracticeScopedManager` and naming the path to its practice
(`practice_path`, e.g. "patient__practice"). Views call `scoped(Model, actor)` or use
`get_scoped_or_404`; there is no other way to reach practice data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from .roles import Role, works_in_practice

if TYPE_CHECKING:
    # Django's base classes, not mesoplan.models.User: the models use this module's
    # managers, so naming them here would close a circle (models -> tenancy -> models).
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """What an actor may read: exactly one practice, one network, or nothing.

    >>> Scope.nothing().is_empty
    True
    >>> Scope(practice_id=UUID(int=1)).is_practice
    True
    """

    practice_id: UUID | None = None
    network_id: UUID | None = None

    def __post_init__(self) -> None:
        if self.practice_id is not None and self.network_id is not None:
            raise ValueError("A scope is one practice or one network, never both.")

    @classmethod
    def nothing(cls) -> Scope:
        return cls()

    @classmethod
    def practice(cls, practice_or_id: Any) -> Scope:
        return cls(practice_id=getattr(practice_or_id, "pk", practice_or_id))

    @classmethod
    def network(cls, network_or_id: Any) -> Scope:
        return cls(network_id=getattr(network_or_id, "pk", network_or_id))

    @property
    def is_practice(self) -> bool:
        return self.practice_id is not None

    @property
    def is_network(self) -> bool:
        return self.network_id is not None

    @property
    def is_empty(self) -> bool:
        return not (self.is_practice or self.is_network)


# Who can ask for data: a request's user (possibly anonymous) or a task's explicit scope.
Actor: TypeAlias = "AbstractBaseUser | AnonymousUser | Scope"


def scope_of(actor: Actor | None) -> Scope:
    """The actor's scope. Anything unrecognised gets nothing (never everything)."""
    if isinstance(actor, Scope):
        return actor
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Scope.nothing()
    if not getattr(actor, "is_active", False):
        return Scope.nothing()
    if works_in_practice(actor):
        return Scope.practice(actor.practice_id)  # type: ignore[union-attr]
    network_id = getattr(actor, "network_id", None)
    if getattr(actor, "role", None) == Role.NETWORK_ADMIN and network_id is not None:
        return Scope.network(network_id)
    return Scope.nothing()


class PracticeScopedQuerySet(models.QuerySet):
    def for_actor(self, actor: Actor | None) -> PracticeScopedQuerySet:
        """Rows within the actor's scope: its practice, its network's practices, or none."""
        scope = scope_of(actor)
        path = self.model.practice_path  # type: ignore[attr-defined]
        if scope.practice_id is not None:
            return self.filter(**{f"{path}_id": scope.practice_id})
        if scope.network_id is not None:
            return self.filter(**{f"{path}__network_id": scope.network_id})
        return self.none()


class PracticeScopedManager(models.Manager.from_queryset(PracticeScopedQuerySet)):  # type: ignore[misc]
    pass


def scoped(model: type[M], actor: Actor | None) -> models.QuerySet[M]:
    return model.objects.for_actor(actor)  # type: ignore[attr-defined]


def get_scoped_or_404(queryset_or_model: Any, actor: Actor | None, **lookup: Any) -> Any:
    """The object if it is within the actor's scope, else 404 (never 403)."""
    qs = queryset_or_model
    if isinstance(qs, type):
        qs = scoped(qs, actor)
    elif hasattr(qs, "for_actor"):
        qs = qs.for_actor(actor)
    else:  # pragma: no cover - a plain queryset would bypass scoping
        raise TypeError("get_scoped_or_404 needs a practice-scoped model or queryset")
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc  # junk ids ("not-a-uuid") are simply not found either


class NotInScope(Http404):
    """An object outside the actor's practice was handed to a service: not found (404)."""


def ensure_in_scope(actor: Actor | None, *objects: Any) -> None:
    """Services never trust their caller: every object handed to a service must belong to
    the actor's practice. A stranger's object is reported as not found (404)."""
    scope = scope_of(actor)
    for obj in objects:
        if not scope.is_practice or practice_id_of(obj) != scope.practice_id:
            raise NotInScope(f"No {type(obj).__name__} matches the given query.")


def practice_id_of(obj: Any) -> UUID | None:
    """The practice an object belongs to, following its model's `practice_path`."""
    path = getattr(type(obj), "practice_path", None)
    if path is None:
        raise TypeError(f"{type(obj).__name__} is not practice-scoped")
    target = obj
    *hops, last = path.split("__")
    for hop in hops:
        target = getattr(target, hop)
    return getattr(target, f"{last}_id")
