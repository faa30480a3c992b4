"""Browser forms of product lots and equipment. Shape only: the services in lots.services
and lots.equipment decide. Dates are typed in the practice's format (PracticeDateField)."""

from collections.abc import Sequence

from django import forms

from mesoplan.date_entry import PracticeDateField

from .models import EquipmentKind


class LotForm(forms.Form):
    formulation = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the formulation in the box."},
    )
    lot_number = forms.CharField(
        label="Lot number",
        max_length=64,
        help_text="As printed on the box (LOT or Ch.-B.).",
        error_messages={"required": "Enter the lot number printed on the box."},
    )
    expires_on = PracticeDateField(
        label="Expiry date", error_messages={"required": "Enter the expiry date on the box."}
    )

    def __init__(self, *args, formulations: Sequence[tuple[str, str]], date_format: str, **kw):
        super().__init__(*args, **kw)
        self.fields["formulation"].choices = list(formulations)  # type: ignore[attr-defined]
        self.fields["expires_on"].use_format(date_format)  # type: ignore[attr-defined]
        self.fields["lot_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )


class EquipmentForm(forms.Form):
    kind = forms.ChoiceField(
        choices=EquipmentKind.choices,
        widget=forms.RadioSelect,
        initial=EquipmentKind.NEEDLE,
        error_messages={"required": "Choose a device or a needle."},
    )
    name = forms.CharField(
        max_length=120,
        help_text="As the practice knows it, e.g. the gun's model or the needle's gauge and "
        "length (32G 4 mm).",
        error_messages={"required": "Name the device or needle."},
    )
