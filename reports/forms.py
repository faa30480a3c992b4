"""The dashboard's filters: what a manager or network admin may narrow a report to. The
form only offers choices; reports.parameters checks them (the same rule as the API)."""

from django import forms

from lots.models import ProductLot
from mesoplan.models import Practice
from patients.models import Sex
from reports.dashboard import protocol_names
from reports.models import AgeBand
from scheduling.models import CourseTarget

LOT_CHOICES = 300  # the newest lots a practice used; the API takes any of its lots

ANY = [("", "Any")]


class ReportFilterForm(forms.Form):
    practice = forms.ChoiceField(required=False, label="Practice")
    protocol = forms.ChoiceField(required=False, label="Formulation")
    from_ = forms.DateField(
        required=False, label="Surveyed from", widget=forms.DateInput(attrs={"type": "date"})
    )
    to = forms.DateField(
        required=False, label="Surveyed until", widget=forms.DateInput(attrs={"type": "date"})
    )
    target = forms.ChoiceField(
        required=False, label="Indication", choices=ANY + CourseTarget.choices
    )
    sex = forms.ChoiceField(required=False, label="Sex", choices=ANY + Sex.choices)
    age_band = forms.ChoiceField(required=False, label="Age band", choices=ANY + AgeBand.choices)
    min_sessions = forms.ChoiceField(
        required=False,
        label="Sessions completed",
        choices=ANY + [(str(n), f"at least {n}") for n in range(1, 9)],
    )
    lot = forms.ChoiceField(required=False, label="Product lot")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        names = sorted(protocol_names().items(), key=lambda item: item[1])
        self._offer("protocol", ANY + names)
        if actor.practice_id:
            del self.fields["practice"]
            lots = (
                ProductLot.objects.filter(practice_id=actor.practice_id, session_count__gt=0)
                .order_by("-created_at")
                .values_list("id", "lot_number", "formulation__code")[:LOT_CHOICES]
            )
            self._offer("lot", ANY + [(str(pk), f"{n} ({code})") for pk, n, code in lots])
        else:
            del self.fields["lot"]
            practices = Practice.objects.filter(network_id=actor.network_id).order_by("name")
            self._offer("practice", ANY + [(str(p.pk), p.name) for p in practices])

    def _offer(self, name: str, choices) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def add_prefix(self, field_name):
        # `from` is a Python keyword: the field is from_, the request's key is `from`.
        return "from" if field_name == "from_" else super().add_prefix(field_name)

    def parameters(self) -> dict:
        """The request's filters as reports.parameters takes them (the API's names)."""
        data = {"kind": "meso_report"}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            data["from" if name == "from_" else name] = (
                value.isoformat() if hasattr(value, "isoformat") else value
            )
        return data
