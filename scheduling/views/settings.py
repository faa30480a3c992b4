"""The calendar settings pages, for practice managers: opening hours (split days
allowed), closures, appointment lengths, and per clinician working hours and absences.

HTTP only: scheduling.calendar_settings decides and audits. A clinician gets 403; another
practice's clinician or row is looked up before the role is checked, so it is simply not
found (404). A failed form shows the page again with its errors (400).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_today
from mesoplan.date_display import practice_date
from mesoplan.errors import InvalidInput
from mesoplan.form_errors import add_service_errors
from mesoplan.roles import require_practice_manager
from mesoplan.tenancy import get_scoped_or_404, scoped
from scheduling import calendar_settings, selectors
from scheduling.calendar_settings import Added, describe_hours
from scheduling.forms import DaysForm, HoursForm, KindLengthsForm
from scheduling.models import Absence, AppointmentKind, Closure


def _clashes(request, added: Added, what: str) -> None:
    if added.clashes:
        noun = "appointment is" if added.clashes == 1 else "appointments are"
        messages.warning(
            request,
            f"{added.clashes} booked {noun} on {what}: move or cancel "
            f"{'it' if added.clashes == 1 else 'them'} in the calendar.",
        )


def _settings_page(request, *, status=200, **forms):
    user = request.user
    practice = user.practice
    today = practice_today(practice)
    opening = selectors.opening_hours_of(user)
    clinicians = list(selectors.clinicians_for(user))
    ids = [c.pk for c in clinicians]
    working = selectors.working_hours_by_clinician(user, ids)
    absences: dict = {}
    for absence in selectors.upcoming_absences(user, today, ids):
        absences.setdefault(absence.clinician_id, []).append(absence)
    lengths = selectors.kind_lengths_of(user)
    context = {
        "opening_form": forms.get("opening_form")
        or HoursForm(initial=HoursForm.initial_from(opening), prefix="opening"),
        "opening_is_default": not opening,
        "closure_form": forms.get("closure_form")
        or DaysForm(prefix="closure", date_format=practice.date_format),
        "lengths_form": forms.get("lengths_form")
        or KindLengthsForm(initial=lengths, prefix="lengths"),
        "closures": list(selectors.upcoming_closures(user, today)),
        "clinicians": [
            (c, describe_hours(working[c.pk]) if c.pk in working else "", absences.get(c.pk, []))
            for c in clinicians
        ],
        "kinds": AppointmentKind,
    }
    return render(request, "scheduling/calendar_settings.html", context, status=status)


@practice_staff_required
@require_http_methods(["GET"])
def settings_page(request):
    require_practice_manager(request.user, "change the calendar settings")
    return _settings_page(request)


@practice_staff_required
@require_POST
def opening_hours(request):
    require_practice_manager(request.user, "change the calendar settings")
    form = HoursForm(request.POST, prefix="opening")
    if form.is_valid():
        try:
            calendar_settings.set_opening_hours(actor=request.user, hours=form.hours())
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Opening hours saved. New bookings are planned with them.")
            return redirect("calendar:settings")
    return _settings_page(request, opening_form=form, status=400)


@practice_staff_required
@require_POST
def closure_add(request):
    require_practice_manager(request.user, "change the calendar settings")
    practice = request.user.practice
    form = DaysForm(request.POST, prefix="closure", date_format=practice.date_format)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = calendar_settings.add_closures(
                actor=request.user, first=data["first"], last=data["last"], reason=data["reason"]
            )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Closure saved ({added.count} new days).")
            _clashes(request, added, "these days")
            return redirect("calendar:settings")
    return _settings_page(request, closure_form=form, status=400)


@practice_staff_required
@require_POST
def closure_remove(request):
    require_practice_manager(request.user, "change the calendar settings")
    closure = get_scoped_or_404(Closure, request.user, pk=request.POST.get("closure"))
    calendar_settings.remove_closure(actor=request.user, closure=closure)
    messages.success(request, f"The practice is open again on {practice_date(closure.day)}.")
    return redirect("calendar:settings")


@practice_staff_required
@require_POST
def kind_lengths(request):
    require_practice_manager(request.user, "change the calendar settings")
    form = KindLengthsForm(request.POST, prefix="lengths")
    if form.is_valid():
        try:
            calendar_settings.set_kind_lengths(actor=request.user, minutes=form.minutes())
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Appointment lengths saved.")
            return redirect("calendar:settings")
    return _settings_page(request, lengths_form=form, status=400)


# --- One clinician: working hours and absences ---------------------------------------


def _clinician(request, pk):
    """The practice's clinician (404 for anyone else's), then the manager check (403)."""
    clinician = get_scoped_or_404(selectors.clinicians_for(request.user), request.user, pk=pk)
    require_practice_manager(request.user, "change the calendar settings")
    return clinician


def _clinician_page(request, clinician, *, status=200, hours_form=None, absence_form=None):
    user = request.user
    practice = user.practice
    working = selectors.working_hours_by_clinician(user, [clinician.pk]).get(clinician.pk, {})
    context = {
        "clinician": clinician,
        "hours_form": hours_form
        or HoursForm(
            initial=HoursForm.initial_from(working),
            prefix="hours",
            # Without any hours the clinician works the opening hours; with some, an
            # empty day is a day off.
            empty_label="not working" if working else "opening hours",
        ),
        "absence_form": absence_form
        or DaysForm(prefix="absence", date_format=practice.date_format),
        "absences": list(
            selectors.upcoming_absences(user, practice_today(practice), [clinician.pk])
        ),
        "opening": describe_hours(selectors.opening_hours_of(user) or selectors.DEFAULT_OPENING),
    }
    return render(request, "scheduling/clinician_settings.html", context, status=status)


@practice_staff_required
@require_http_methods(["GET", "POST"])
def clinician_settings(request, pk):
    """GET shows the clinician's hours and absences; POST saves the working hours."""
    clinician = _clinician(request, pk)
    if request.method == "GET":
        return _clinician_page(request, clinician)
    form = HoursForm(request.POST, prefix="hours", empty_label="not working")
    if form.is_valid():
        try:
            calendar_settings.set_working_hours(
                actor=request.user, clinician=clinician, hours=form.hours()
            )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Working hours of {clinician.display_name} saved.")
            return redirect("calendar:clinician-settings", pk=clinician.pk)
    return _clinician_page(request, clinician, hours_form=form, status=400)


@practice_staff_required
@require_POST
def absence_add(request, pk):
    clinician = _clinician(request, pk)
    form = DaysForm(request.POST, prefix="absence", date_format=request.user.practice.date_format)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = calendar_settings.add_absence(
                actor=request.user,
                clinician=clinician,
                starts_on=data["first"],
                ends_on=data["last"],
                reason=data["reason"],
            )
        except InvalidInput as exc:
            add_service_errors(form, exc, {"last": "last", "ends_on": "last", "starts_on": "first"})
        else:
            messages.success(request, f"Absence of {clinician.display_name} saved.")
            _clashes(request, added, "those days")
            return redirect("calendar:clinician-settings", pk=clinician.pk)
    return _clinician_page(request, clinician, absence_form=form, status=400)


@practice_staff_required
@require_POST
def absence_remove(request, pk):
    clinician = _clinician(request, pk)
    absence = get_scoped_or_404(
        scoped(Absence, request.user).filter(clinician=clinician),
        request.user,
        pk=request.POST.get("absence"),
    )
    calendar_settings.remove_absence(actor=request.user, absence=absence)
    messages.success(request, "Absence removed.")
    return redirect("calendar:clinician-settings", pk=clinician.pk)
