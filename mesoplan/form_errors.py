"""A service's refusal (mesoplan.errors.InvalidInput) shown on the browser form that
sent it: every app's views use it, so it lives in the foundation."""

from collections.abc import Mapping

from django import forms

from .errors import InvalidInput


def add_service_errors(
    form: forms.Form, exc: InvalidInput, fields: Mapping[str, str] | None = None
) -> None:
    """A service's refusal shown on the form: each error on its field (`fields` maps the
    service's names to the form's), the rest above the form."""
    for key, errors in exc.errors.items():
        name = (fields or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errors)
