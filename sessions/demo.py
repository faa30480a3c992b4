"""Demo clinical records for `manage.py seed_demo`: for courses that began weeks ago,
their past sessions recorded through the recording service with passes from the
practice's demo lots (lots.demo), one correction per practice and a few adverse events.
Deterministic for a seed; re-running adds nothing (a recorded appointment is not
recorded again). outcomes.demo asks for them and adds their measures, photos and surveys."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from lots.demo import equipment_and_lots
from lots.models import Equipment, EquipmentKind
from mesoplan.clock import practice_today
from protocols.regions import regions_for
from scheduling.models import AppointmentStatus, Course

from . import recording
from .models import AdverseEvent, AdverseEventLot, SessionAmendment, SessionRecord
from .pass_input import PassInput
from .pre_check import HERPES, CheckAnswers


def _passes(rng, indication, lot, device, needle) -> list[PassInput]:
    """2 to 4 regions, single-pulse then nappage over each."""
    regions = rng.sample(list(regions_for(indication))[:12], rng.randint(2, 4))
    passes = []
    for region in regions:
        common = {
            "region": region,
            "product_lot": lot.lot_number,
            "device": device,
            "needle": needle,
        }
        passes.append(
            PassInput(
                technique="single_pulse",
                depth_mm=Decimal(rng.choice(["1.0", "1.5", "2.0"])),
                spacing_mm=Decimal("10"),
                points=rng.choice([15, 20, 30]),
                volume_ml=Decimal(rng.choice(["0.4", "0.5", "0.8"])),
                **common,
            )
        )
        passes.append(
            PassInput(
                technique="nappage",
                depth_mm=Decimal(rng.choice(["0.3", "0.5"])),
                volume_ml=Decimal(rng.choice(["0.3", "0.5"])),
                **common,
            )
        )
    return passes


def record_past_sessions(course: Course, seed: int) -> list[SessionRecord]:
    """Records the course's sessions that are past, as its clinician did on the day."""
    rng = random.Random(f"{seed}:{course.patient_id}:records")  # patients are seeded
    practice = course.patient.practice
    clinician = course.clinician
    today = practice_today(practice)
    lots = equipment_and_lots(practice, clinician, today)[course.protocol.formulation.code]
    devices = Equipment.objects.filter(practice=practice, kind=EquipmentKind.DEVICE)
    needles = Equipment.objects.filter(practice=practice, kind=EquipmentKind.NEEDLE)
    now = timezone.now()
    herpes = HERPES in course.screening.conditions
    recorded = []
    past = course.appointments.filter(status=AppointmentStatus.SCHEDULED, ends_at__lt=now).order_by(
        "starts_at"
    )
    for appointment in past:
        performed = appointment.starts_at + timedelta(minutes=5)
        on = performed.date()
        lot = next(lot for lot in lots if lot.expires_on >= on)  # the oldest usable box
        record = recording.record_session(
            actor=clinician,
            appointment=appointment,
            answers=CheckAnswers(checked_on=on, herpes_prophylaxis_given=True if herpes else None),
            passes=_passes(
                rng,
                course.protocol.indication,
                lot,
                devices.first().pk if devices else None,
                rng.choice(list(needles)).pk if needles else None,
            ),
            performed_at=performed,
        )
        recorded.append(record)
    return recorded


def seed_records(staff, seed: int) -> list[tuple[Course, list[SessionRecord]]]:
    """Past sessions recorded, then a correction and a few adverse events per practice:
    the sessions recorded now, by course. outcomes.demo calls it (and adds their outcomes),
    so this module has no `seed_demo` of its own."""
    recorded = []
    courses = Course.objects.filter(
        appointments__status=AppointmentStatus.SCHEDULED,
        appointments__ends_at__lt=timezone.now(),
    ).distinct()
    for course in courses.select_related(
        "patient__practice", "protocol__formulation", "clinician", "screening"
    ):
        records = record_past_sessions(course, seed)
        if records:
            recorded.append((course, records))
    for practice in staff.practices:
        adverse_events(practice)
        a_correction(practice)
    return recorded


def a_correction(practice) -> None:
    """One corrected record per practice: the first pass's volume was mistyped."""
    records = SessionRecord.objects.filter(practice=practice)
    if SessionAmendment.objects.filter(session_record__in=records).exists():
        return
    first = records.order_by("performed_at", "pk").first()
    if first is None:
        return
    current = list(first.passes.order_by("position"))
    recording.amend_session(
        actor=first.performed_by,
        record=first,
        reason="Volume of the first pass mistyped (demo correction).",
        passes=[
            PassInput(
                technique=p.technique,
                region=p.region,
                depth_mm=p.depth_mm,
                spacing_mm=p.spacing_mm,
                points=p.points,
                volume_ml=p.volume_ml + (Decimal("0.1") if i == 0 else 0),
                product_lot=p.lot.lot_number,
                device=p.device_id,
                needle=p.needle_id,
            )
            for i, p in enumerate(current)
        ],
    )


EVENTS = [
    ("haematoma", "mild", "Small bruise at the forehead, gone after a week.", "recovered"),
    ("allergic_reaction", "moderate", "Itching wheals one hour after the session.", "recovered"),
    ("erythema", "mild", "Redness for two days.", "recovering"),
]


def adverse_events(practice) -> None:
    """A few adverse events in each practice, on every fourth recorded session, linked to
    the lot used (so a lot's recall shows them)."""
    if AdverseEvent.objects.filter(practice=practice).exists():
        return
    records = SessionRecord.objects.filter(practice=practice).order_by("performed_at", "pk")
    for index, record in enumerate(list(records)[1::4][: len(EVENTS)]):
        kind, severity, description, outcome = EVENTS[index]
        event = AdverseEvent.objects.create(
            practice=practice,
            session_record=record,
            patient_id=record.patient_id,
            type=kind,
            severity=severity,
            onset_at=record.performed_at + timedelta(hours=2),
            description=description,
            action_taken="Cooling and observation; the patient was called the next day.",
            outcome=outcome,
            recorded_by=record.performed_by,
        )
        lot_ids = set(record.passes.values_list("lot_id", flat=True))
        AdverseEventLot.objects.bulk_create(AdverseEventLot(event=event, lot_id=i) for i in lot_ids)
