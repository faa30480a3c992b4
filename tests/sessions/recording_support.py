"""Helpers the session-recording tests share: a booked course, lots, equipment, passes."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from lots.models import Equipment, ProductLot
from mesoplan.clock import practice_today
from patients import services as patient_services
from protocols.models import Formulation
from scheduling import booking
from sessions.pass_input import PassInput
from sessions.pre_check import CheckAnswers
from tests.factories import CONSENT, PatientFactory


def booked_course(clinician, *, protocol="mesolift", conditions=(), patient=None, days_ahead=1):
    """A ready patient with a booked course starting `days_ahead` days from now (or the
    weekday after, when that is a Saturday or Sunday)."""
    patient = patient or PatientFactory(practice=clinician.practice)
    indication = "hair" if protocol == "mesohair" else "skin"
    hair = (
        {
            "therapy_goal": "stabilise",
            "insurance_options_considered": True,
            "prognosis_explained": True,
        }
        if indication == "hair"
        else {}
    )
    screening = patient_services.create_screening(
        actor=clinician,
        patient=patient,
        indication=indication,
        conditions=list(conditions),
        **CONSENT,
        **hair,
    )
    if screening.outcome == "caution":
        patient_services.acknowledge_caution(actor=clinician, screening=screening, reason="Weighed")
    start = (timezone.now() + timedelta(days=days_ahead)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    while start.weekday() >= 5:  # the practice is closed at weekends: session 1 never moves back
        start += timedelta(days=1)
    return booking.book_course(
        actor=clinician,
        patient=patient,
        protocol_code=protocol,
        clinician_id=clinician.pk,
        start=start,
        initial_interval_days=7,
    ).course


def lot(practice, user, number="L-100", *, formulation="mesolift", expires_in_days=365):
    return ProductLot.objects.create(
        practice=practice,
        formulation=Formulation.objects.get(code=formulation),
        lot_number=number,
        # The practice's today, as the lot pages count days (not the server's date).
        expires_on=practice_today(practice) + timedelta(days=expires_in_days),
        created_by=user,
    )


def equipment(practice, kind, name):
    return Equipment.objects.create(practice=practice, kind=kind, name=name)


def a_pass(technique="single_pulse", region="forehead", lot_number="L-100", **values):
    defaults = (
        {"depth_mm": Decimal("1.5"), "spacing_mm": Decimal("10"), "points": 20}
        if technique == "single_pulse"
        else {"depth_mm": Decimal("0.5")}
    )
    defaults["volume_ml"] = Decimal("0.5")
    return PassInput(
        technique=technique,
        region=region,
        product_lot=lot_number,
        **{**defaults, **values},
    )


def fine_check(**answers):
    return CheckAnswers(checked_on=timezone.localdate(), **answers)


def a_past_moment():
    """When the next session a test records was performed: ten days ago, an hour later
    for each session recorded before it. Sessions are recorded after they happened, in
    their course's order, and a clinician is in one place at a time; a course booked from
    tomorrow has its appointments moved back to these moments as they are recorded."""
    from sessions.models import SessionRecord

    return timezone.now() - timedelta(days=10) + timedelta(hours=SessionRecord.objects.count())


def record_checked(clinician, appointment, **answers):
    """Records two forehead passes after a check with `answers` (fine by default), at
    `a_past_moment()`: the carry-forward and hold tests' one session."""
    from sessions import recording

    return recording.record_session(
        actor=clinician,
        appointment=appointment,
        answers=fine_check(**answers),
        passes=[a_pass("single_pulse", "forehead"), a_pass("nappage", "forehead")],
        performed_at=a_past_moment(),
    )


def readiness_of(clinician, patient, indication="skin"):
    """The booking gate for the patient's indication, as the list and the record read it."""
    from patients.selectors import latest_screenings, readiness_for

    return readiness_for(patient, latest_screenings(clinician, [patient.pk]))[indication]
