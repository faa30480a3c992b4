"""Booking from the calendar: a free slot becomes a consultation or a maintenance visit
(the patient found by name first; a maintenance visit proposed in the patient's recall
window), and a cancelled course session is booked again. Each POST redirects (Back and
Reload never book twice); booking.book_appointment and rebooking.rebook_session decide.
"""

from datetime import date, datetime, timedelta
from uuid import UUID

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_today, practice_zone
from mesoplan.date_bounds import is_within
from mesoplan.date_display import practice_datetime
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.form_errors import add_service_errors
from mesoplan.tenancy import get_scoped_or_404
from patients import selectors as patient_selectors
from patients.models import Patient
from protocols.planner import local
from scheduling import booking, rebooking, selectors, visit_proposals
from scheduling.forms import RescheduleForm, VisitBookingForm, opening_slots
from scheduling.models import AppointmentKind, Course
from scheduling.recall import open_recall_of

SEARCH_RESULTS = 12
DEFAULT_MINUTES = {AppointmentKind.CONSULTATION: 30, AppointmentKind.MAINTENANCE: 45}


def _iso_date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if is_within(day) else None


def _hhmm(value: str | None) -> str | None:
    try:
        return datetime.strptime(value or "", "%H:%M").strftime("%H:%M")
    except ValueError:
        return None


@practice_staff_required
@require_http_methods(["GET", "POST"])
def book_visit(request):
    """GET ?clinician=&date=&time= (a free slot's link) and ?patient= once chosen; POST
    books and redirects to the appointment."""
    user = request.user
    practice = user.practice
    zone = practice_zone(practice)
    clinicians = list(selectors.clinicians_for(user))
    source = request.POST if request.method == "POST" else request.GET
    clinician = next((c for c in clinicians if str(c.pk) == source.get("clinician")), None)
    clinician = clinician or next((c for c in clinicians if c.pk == user.pk), None)
    clinician = clinician or (clinicians[0] if clinicians else None)
    if clinician is None:
        raise Http404("The practice has no active clinician.")
    # The slot a link came from (GET only: a POST's time is one of the form's own slots).
    slot_day, slot_time = _iso_date(request.GET.get("date")), _hhmm(request.GET.get("time"))
    if request.method == "POST":
        slot_day = slot_time = None
    patient = None
    if source.get("patient"):
        try:
            patient_id = UUID(source.get("patient"))
        except ValueError:
            raise Http404("No such patient.") from None
        patient = get_scoped_or_404(Patient, user, pk=patient_id)
    context: dict = {
        "clinician": clinician,
        "slot_day": slot_day,
        "slot_time": slot_time,
        "patient": patient,
        "query": "",
    }
    if patient is None:
        query = (request.GET.get("q") or "").strip()[:100]
        context["query"] = query
        context["matches"] = (
            list(
                patient_selectors.search_patients(patient_selectors.patients_for(user), query)[
                    :SEARCH_RESULTS
                ]
            )
            if query
            else []
        )
        return render(request, "scheduling/visit_book.html", context)

    lengths = selectors.kind_lengths_of(user)
    recall = open_recall_of(user, patient)
    kind = source.get("kind") or (
        AppointmentKind.MAINTENANCE if recall else AppointmentKind.CONSULTATION
    )
    if kind not in (AppointmentKind.CONSULTATION, AppointmentKind.MAINTENANCE):
        kind = AppointmentKind.CONSULTATION
    minutes = lengths.get(kind) or DEFAULT_MINUTES[kind]
    proposal = None
    if request.method == "GET" and slot_day is None:
        proposal = visit_proposals.visit_start(user, clinician, patient, recall, minutes)
    start_day = slot_day or (proposal.date() if proposal else practice_today(practice))
    start_time = slot_time or (proposal.strftime("%H:%M") if proposal else None)
    opening = selectors.opening_hours_of(user) or selectors.DEFAULT_OPENING
    also = datetime.strptime(start_time, "%H:%M").time() if start_time else None
    form = VisitBookingForm(
        request.POST or None,
        initial={
            "kind": kind,
            "clinician": str(clinician.pk),
            "date": start_day,
            "time": start_time,
            "minutes": minutes,
        },
        clinicians=[(str(c.pk), c.display_name) for c in clinicians],
        slots=opening_slots(opening, also=also),
        date_format=practice.date_format,
    )
    context.update(
        {"form": form, "recall": recall, "proposal": proposal, "lengths": lengths, "kind": kind}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            starts_at = local(data["date"], data["time"], zone)
            try:
                appointment = booking.book_appointment(
                    actor=user,
                    patient=patient,
                    clinician_id=data["clinician"],
                    kind=data["kind"],
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=data["minutes"]),
                )
            except Conflict as exc:
                context["conflict"] = exc.message
                status = 409
            except InvalidInput as exc:
                add_service_errors(form, exc, {"starts_at": "date", "ends_at": "minutes"})
            else:
                messages.success(
                    request,
                    f"Booked: {appointment.get_kind_display()} for {patient.full_name}, "
                    f"{practice_datetime(starts_at, weekday=True)} with {appointment.clinician.display_name}.",
                )
                return redirect("calendar:appointment", pk=appointment.pk)
    return render(request, "scheduling/visit_book.html", context, status=status)


@practice_staff_required
@require_http_methods(["GET", "POST"])
def rebook_session(request, pk, sequence):
    """A cancelled course session booked again: GET proposes the first free time after
    the session before it (the cancelled time when it is still free), POST books it."""
    user = request.user
    course = get_scoped_or_404(selectors.courses_for(user), user, pk=pk)
    cancelled = rebooking.cancelled_session(course, sequence)
    if cancelled is None or course.status != Course.Status.ACTIVE:
        raise Http404("This session is not cancelled, or its course is over.")
    practice = user.practice
    zone = practice_zone(practice)
    proposal = visit_proposals.rebook_start(course, cancelled, sequence)
    start = (proposal or cancelled.starts_at).astimezone(zone)
    form = RescheduleForm(
        request.POST or None,
        initial={"date": start.date(), "time": start.strftime("%H:%M")},
        slots=opening_slots(
            selectors.opening_hours_of(user) or selectors.DEFAULT_OPENING,
            also=start.time().replace(tzinfo=None),
        ),
        date_format=practice.date_format,
    )
    form.fields["date"].label, form.fields["time"].label = "Date", "Time"
    context = {
        "course": course,
        "sequence": sequence,
        "cancelled": cancelled,
        "cancelled_start": cancelled.starts_at.astimezone(zone),
        "proposal": proposal,
        "form": form,
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            starts_at = local(form.cleaned_data["date"], form.cleaned_data["time"], zone)
            try:
                rebooking.rebook_session(
                    actor=user, course=course, sequence=sequence, starts_at=starts_at
                )
            except Conflict as exc:
                context["conflict"], status = exc.message, 409
            except InvalidInput as exc:
                add_service_errors(form, exc, {"starts_at": "date"})
            else:
                messages.success(
                    request,
                    f"Session {sequence} booked again: {practice_datetime(starts_at, weekday=True)}.",
                )
                return redirect("courses:detail", pk=course.pk)
    return render(request, "scheduling/session_rebook.html", context, status=status)
