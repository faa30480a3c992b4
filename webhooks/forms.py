"""The webhook endpoint form of the manager's pages (the rules are in webhooks.endpoints)."""

from django import forms

from .models import Event


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        help_text="https:// (http:// only to this machine, for testing). Events are POSTed here.",
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[e for e in Event.values if e != Event.APPOINTMENT_DELETED],
    )
    description = forms.CharField(
        max_length=500, required=False, help_text="What it is for, e.g. “Patient app sync”."
    )
