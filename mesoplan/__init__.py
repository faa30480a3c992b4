"""MesoPlan: the project package (settings, URLs, Celery app, practices and roles)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
