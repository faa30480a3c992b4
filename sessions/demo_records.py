"""Demo clinical records for `manage.py seed_demo`: each practice's equipment and lots
(one expiring soon, one expired), and for courses that began weeks ago their past
sessions recorded through the recording service, with measures, a correction, a few
adverse events and satisfaction surveys. Deterministic for a seed; re-running adds
nothing (a recorded appointment is not recorded again)."""

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from mesoplan.clock import practice_today
from patients.services import record_photography_consent
from protocols.models import Formulation
from protocols.regions import regions_for

from . import recording
from .measures import record_measures
from .models import (
    AdverseEvent,
    AdverseEventLot,
    AppointmentStatus,
    Course,
    Equipment,
    EquipmentKind,
    Photo,
    ProductLot,
    SessionAmendment,
    SessionRecord,
    Survey,
)
from .pass_input import PassInput
from .photos import add_photo
from .pre_check import HERPES, CheckAnswers
from .surveys import record_survey

EQUIPMENT = [
    (EquipmentKind.DEVICE, "Compressor injection gun"),
    (EquipmentKind.NEEDLE, "32G x 4 mm"),
    (EquipmentKind.NEEDLE, "30G x 13 mm"),
]
# (suffix, days from today until it expires): in use, expiring soon, expired last week.
LOTS = [("A", 400), ("B", 21), ("C", -6)]
RATINGS = ["very_satisfied", "satisfied", "very_satisfied", "less_satisfied", "satisfied"]


def equipment_and_lots(practice, user, today: date) -> dict[str, list[ProductLot]]:
    """The practice's equipment and three lots per formulation, oldest box first."""
    for kind, name in EQUIPMENT:
        Equipment.objects.get_or_create(practice=practice, kind=kind, name=name)
    lots: dict[str, list[ProductLot]] = {}
    for formulation in Formulation.objects.order_by("code"):
        prefix = "ML" if formulation.code == "mesolift" else "MH"
        for suffix, days in LOTS:
            lot, _ = ProductLot.objects.get_or_create(
                practice=practice,
                lot_number=f"{prefix}-{practice.slug[:3].upper()}-{suffix}",
                defaults={
                    "formulation": formulation,
                    "expires_on": today + timedelta(days=days),
                    "created_by": user,
                },
            )
            lots.setdefault(formulation.code, []).append(lot)
    for found in lots.values():
        found.sort(key=lambda lot: lot.expires_on)
    return lots


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


def record_past_sessions(course: Course, seed: int) -> int:
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
    recorded = 0
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
        recorded += 1
        hair = course.protocol.indication == "hair"
        record_measures(
            actor=clinician,
            session_record=record,
            gais=None if hair else rng.choice([2, 3, 3, 4]),
            hair_density_per_cm2=rng.randint(120, 190) if hair else None,
            patient_rating=rng.randint(6, 10),
        )
    if (
        recorded
        and not Photo.objects.filter(patient=course.patient).exists()
        and random.Random(f"{seed}:{course.patient_id}:photos").random() < 0.5
    ):
        demo_photos(course, clinician)
    surveys = random.Random(f"{seed}:{course.patient_id}:survey")
    if recorded and not Survey.objects.filter(course=course).exists() and surveys.random() < 0.7:
        record_survey(actor=clinician, course=course, rating=surveys.choice(RATINGS))
    return recorded


def _demo_image(shade: int) -> ContentFile:
    """A plain JPEG standing in for a clinical photo (synthetic demo data)."""
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), (shade, 190, 170)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="demo.jpg")


def demo_photos(course: Course, clinician) -> None:
    """The patient consents to photography; the first session gets a before and an after
    photo (plain colour fields: synthetic, no real patient)."""
    record_photography_consent(actor=clinician, patient=course.patient, given=True)
    first = course.session_records.order_by("performed_at").first()
    if first is None:
        return
    for phase, shade in (("before", 210), ("after", 230)):
        add_photo(actor=clinician, session_record=first, phase=phase, upload=_demo_image(shade))


def seed_records(staff, seed: int) -> tuple[int, int]:
    """Equipment and lots in every practice; past sessions recorded. (sessions, lots)"""
    for practice in staff.practices:
        user = practice.staff.order_by("username").first()
        if user is not None:
            equipment_and_lots(practice, user, practice_today(practice))
    recorded = 0
    courses = Course.objects.filter(
        appointments__status=AppointmentStatus.SCHEDULED,
        appointments__ends_at__lt=timezone.now(),
    ).distinct()
    for course in courses.select_related(
        "patient__practice", "protocol__formulation", "clinician", "screening"
    ):
        recorded += record_past_sessions(course, seed)
    for practice in staff.practices:
        adverse_events(practice)
        a_correction(practice)
    return recorded, ProductLot.objects.count()


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
