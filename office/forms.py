"""Browser forms of the practice office. Shape only: mesoplan.staff decides (unique
username, password strength, assignable roles)."""

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django import forms

from mesoplan.date_entry import PracticeDateField
from mesoplan.staff import ASSIGNABLE_ROLES


class StaffDetailsForm(forms.Form):
    first_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_name = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label="E-mail", required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        choices=[(role.value, role.label) for role in ASSIGNABLE_ROLES],
        widget=forms.RadioSelect,
        help_text="Practice managers manage staff and read the audit trail.",
    )

    DETAIL_FIELDS: tuple[str, ...] = ("first_name", "last_name", "email", "role")

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS}


class StaffCreateForm(StaffDetailsForm):
    username = forms.CharField(
        max_length=150,
        help_text="Used to sign in; it cannot be changed later.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["first_name", "last_name", "username", "email", "role"]
    DETAIL_FIELDS = ("username", *StaffDetailsForm.DETAIL_FIELDS)

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("password1", "") != cleaned.get("password2", ""):
            self.add_error("password2", "The two passwords differ.")
        return cleaned

    def details(self) -> dict[str, Any]:
        return {**super().details(), "password": self.cleaned_data["password1"] or None}


class SecondFactorPolicyForm(forms.Form):
    managers = forms.BooleanField(
        required=False, label="Practice managers must sign in with a second factor"
    )
    clinicians = forms.BooleanField(
        required=False, label="Clinicians must sign in with a second factor"
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit trail, as query parameters: patient, user, from, to."""

    patient = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, staff, date_format: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = forms.ChoiceField(
            label="Staff member",
            required=False,
            choices=[("", "Everyone")]
            + [
                (str(m.pk), m.display_name + ("" if m.is_active else " (deactivated)"))
                for m in staff
            ],
        )
        # "from" is a Python keyword, hence fields added by name.
        # Typed as the practice writes dates (mesoplan/date_entry.py), never the browser's.
        for name, label in (("from", "From"), ("to", "To")):
            field = PracticeDateField(label=label, required=False)
            field.use_format(date_format)
            self.fields[name] = field

    def clean(self):
        cleaned = super().clean() or {}
        since, until = cleaned.get("from"), cleaned.get("to")
        if since and until and since > until:
            self.add_error("to", "The end date is before the start date.")
        return cleaned

    def filters(self, zone: ZoneInfo) -> dict[str, Any]:
        """Keyword arguments for `audit_trail_for`: whole days of the practice's calendar
        (`to` inclusive), as instants."""
        data = self.cleaned_data
        return {
            "patient_id": data.get("patient"),
            "member_id": UUID(data["user"]) if data.get("user") else None,
            "since": _midnight(data["from"], zone) if data.get("from") else None,
            "until": _midnight(data["to"] + timedelta(days=1), zone) if data.get("to") else None,
        }

    def query(self) -> dict[str, str]:
        """The valid filters as query parameters, for the page links."""
        values = {name: self.cleaned_data.get(name) for name in ("patient", "user", "from", "to")}
        return {name: str(value) for name, value in values.items() if value}


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)
