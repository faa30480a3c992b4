"""Intake pages: patient list and search, create (with duplicate warning), detail with
screening and change history, edit, screening form, result and acknowledgement."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mesoplan import audit
from mesoplan.access import practice_staff_required
from mesoplan.audit import Action
from mesoplan.clock import practice_today
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.keyset import page_from_link
from mesoplan.roles import is_clinician, is_practice_manager
from mesoplan.tenancy import get_scoped_or_404
from patients import alerts, selectors, services
from patients.forms import AcknowledgeForm, PatientForm, ScreeningForm
from patients.models import Patient
from patients.readiness import Status, status_of
from patients.screening import CONDITIONS
from protocols.models import Indication
from protocols.selectors import all_ingredients

PAGE_SIZE = 25


def _page_size(raw: str | None) -> int:
    try:
        return min(max(int(raw or PAGE_SIZE), 1), 100)
    except ValueError:
        return PAGE_SIZE


@dataclass(frozen=True)
class PatientRow:
    patient: Patient
    statuses: list[tuple[str, Status]]  # (indication, status) in Indication order


@practice_staff_required
def patient_list(request):
    q = request.GET.get("q", "").strip()
    patients = selectors.search_patients(selectors.patients_for(request.user), q)
    size = _page_size(request.GET.get("size"))
    cursor = request.GET.get("cursor") or None
    cursor, page = page_from_link(patients, cursor, size)
    # The screening columns are read for the shown rows only, in one query.
    latest = selectors.latest_screenings(request.user, [p.pk for p in page.rows])
    rows = [
        PatientRow(
            patient,
            [(ind, status_of(r)) for ind, r in selectors.readiness_for(patient, latest).items()],
        )
        for patient in page.rows
    ]
    context = {
        "rows": rows,
        "page_patients": page.rows,  # the calendar's tag says which are in a course
        "q": q,
        "size": size,
        "cursor": cursor,
        "next_cursor": page.next_cursor,
    }
    if request.htmx:
        return render(request, "patients/_patient_rows.html", context)
    return render(request, "patients/patient_list.html", context)


@practice_staff_required
@require_http_methods(["GET", "POST"])
def patient_create(request):
    practice = request.user.practice
    form = PatientForm(
        request.POST or None, today=practice_today(practice), date_format=practice.date_format
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        details = form.details()
        duplicates = list(
            selectors.possible_duplicates(
                request.user,
                first_name=details["first_name"],
                last_name=details["last_name"],
                date_of_birth=details["date_of_birth"],
            )
        )
        if not duplicates or form.cleaned_data["confirm_not_duplicate"]:
            patient = services.create_patient(actor=request.user, **details)
            messages.success(request, f"{patient.full_name} was added.")
            return redirect("patients:detail", pk=patient.pk)
    return render(
        request,
        "patients/patient_form.html",
        {"form": form, "duplicates": duplicates, "creating": True},
    )


@practice_staff_required
def patient_detail(request, pk):
    patient = get_scoped_or_404(selectors.patients_for(request.user), request.user, pk=pk)
    screenings = list(selectors.screenings_for(request.user).filter(patient=patient))
    audit.record(request.user, Action.PATIENT_VIEW, patient, patient_id=patient.pk)
    latest = {(patient.pk, s.indication): s for s in screenings if s.is_latest}  # type: ignore[attr-defined]
    readiness = selectors.readiness_for(patient, latest)
    latest_by_indication = {ind: latest.get((patient.pk, ind)) for ind in Indication.values}
    ingredients = selectors.display_ingredients()
    can_screen = is_clinician(request.user)
    context = {
        "patient": patient,
        "screenings": screenings,
        "indications": [
            (ind, latest_by_indication[ind], readiness[ind], status_of(readiness[ind]))
            for ind in Indication.values
        ],
        "alerts": alerts.patient_alerts(
            {ind: selectors.alert_facts(s) for ind, s in latest_by_indication.items()},
            readiness,
            ingredients,
            deferral_days=settings.DEFERRAL_RESCREEN_DAYS,
        ),
        "next_step": alerts.next_step(readiness, can_screen=can_screen),
        "latest": latest_by_indication,
        "history": selectors.patient_history(patient),
        "can_screen": can_screen,
        "can_read_audit": is_practice_manager(request.user),
        "photo_consent": selectors.photography_consent(request.user, patient),
    }
    return render(request, "patients/patient_detail.html", context)


@practice_staff_required
@require_POST
def photography_consent(request, pk):
    """A clinician records the patient's consent to photography, or its withdrawal."""
    patient = get_scoped_or_404(Patient, request.user, pk=pk)
    if not is_clinician(request.user):
        raise PermissionDenied
    given = request.POST.get("given")
    if given not in ("yes", "no"):
        messages.error(request, "Say whether the patient consents to photography.")
    else:
        services.record_photography_consent(
            actor=request.user, patient=patient, given=given == "yes"
        )
        messages.success(
            request,
            "Consent to photography recorded."
            if given == "yes"
            else "Consent to photography withdrawn: no new photos can be added.",
        )
    return redirect(reverse("patients:detail", kwargs={"pk": patient.pk}) + "#photo-consent")


@practice_staff_required
@require_http_methods(["GET", "POST"])
def patient_edit(request, pk):
    patient = get_scoped_or_404(Patient, request.user, pk=pk)
    # Unbound to the instance: the service compares old and new values and writes history.
    practice = request.user.practice
    form = PatientForm(
        request.POST or None,
        initial=model_to_dict(patient, PatientForm.Meta.fields),
        today=practice_today(practice),
        date_format=practice.date_format,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patient(actor=request.user, patient=patient, **form.details())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Details saved. The previous version is kept in the history.")
            return redirect("patients:detail", pk=patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@practice_staff_required
@require_http_methods(["GET", "POST"])
def screening_create(request, pk):
    patient = get_scoped_or_404(Patient, request.user, pk=pk)
    if not is_clinician(request.user):
        raise PermissionDenied
    indication = request.GET.get("indication")
    indication = indication if indication in Indication.values else None
    # "Screen again": the latest screening's answers, pre-selected (not needed to validate).
    previous = (
        selectors.latest_screening(request.user, patient, indication)
        if indication and request.method == "GET"
        else None
    )
    practice = request.user.practice
    form = ScreeningForm(
        request.POST or None,
        initial={"indication": indication},
        previous=previous,
        ingredients=all_ingredients(),
        patient=patient,
        today=practice_today(practice),
        date_format=practice.date_format,
    )
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.create_screening(
                actor=request.user, patient=patient, **form.answers()
            )
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("patients:screening", pk=patient.pk, screening_pk=screening.pk)
    return render(
        request,
        "patients/screening_form.html",
        {"form": form, "patient": patient, "previous": previous},
    )


def _patient_and_screening(request, pk, screening_pk):
    patient = get_scoped_or_404(Patient, request.user, pk=pk)
    screening = get_scoped_or_404(
        selectors.screenings_for(request.user).filter(patient=patient),
        request.user,
        pk=screening_pk,
    )
    return patient, screening


def _render_screening(request, patient, screening, ack_form, status=200):
    ingredients = selectors.display_ingredients()
    ack = getattr(screening, "acknowledgement", None)
    acknowledged = (
        alerts.Acknowledged(ack.by.display_name, ack.at, ack.reason) if ack is not None else None
    )
    findings = alerts.describe_findings(screening.findings, ingredients, acknowledged)
    readiness = screening.readiness
    context = {
        "patient": patient,
        "screening": screening,
        "banner": alerts.outcome_banner(screening.outcome, findings, readiness),
        "findings": findings,
        "conditions": [CONDITIONS[c] for c in screening.conditions if c in CONDITIONS],
        "allergies": [ingredients.name(a) for a in screening.allergies],
        "ack_form": ack_form,
        "can_screen": is_clinician(request.user),
        "can_acknowledge": is_clinician(request.user) and screening.needs_acknowledgement,
    }
    return render(request, "patients/screening_detail.html", context, status=status)


@practice_staff_required
def screening_detail(request, pk, screening_pk):
    patient, screening = _patient_and_screening(request, pk, screening_pk)
    audit.record(request.user, Action.SCREENING_VIEW, screening, patient_id=patient.pk)
    return _render_screening(request, patient, screening, AcknowledgeForm())


@practice_staff_required
@require_POST
def screening_acknowledge(request, pk, screening_pk):
    patient, screening = _patient_and_screening(request, pk, screening_pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _render_screening(request, patient, screening, form, status=400)
    try:
        services.acknowledge_caution(
            actor=request.user, screening=screening, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Acknowledgement recorded.")
    except (Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
    return redirect("patients:screening", pk=patient.pk, screening_pk=screening.pk)
