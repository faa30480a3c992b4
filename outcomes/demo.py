"""Demo outcomes for `manage.py seed_demo`: measures for every session the demo recorded
(sessions.demo), a before/after photo pair for some patients (synthetic colour fields, no
real patient) and satisfaction surveys for most courses. Deterministic for a seed;
re-running adds nothing (only sessions recorded in this run get outcomes).

Its line reports the clinical demo as a whole: sessions, their outcomes, and the lots."""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image

from lots.models import ProductLot
from patients.services import record_photography_consent
from scheduling.models import Course
from sessions.demo import seed_records
from sessions.models import SessionRecord

from .measures import record_measures
from .models import Photo, Survey
from .photos import add_photo
from .surveys import record_survey

RATINGS = ["very_satisfied", "satisfied", "very_satisfied", "less_satisfied", "satisfied"]


def measure_sessions(course: Course, records: list[SessionRecord], seed: int) -> None:
    """Each newly recorded session's measures, as its clinician took them on the day."""
    rng = random.Random(f"{seed}:{course.patient_id}:measures")  # patients are seeded
    hair = course.protocol.indication == "hair"
    for record in records:
        record_measures(
            actor=course.clinician,
            session_record=record,
            gais=None if hair else rng.choice([2, 3, 3, 4]),
            hair_density_per_cm2=rng.randint(120, 190) if hair else None,
            patient_rating=rng.randint(6, 10),
        )


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


def course_outcomes(course: Course, records: list[SessionRecord], seed: int) -> None:
    """The outcomes of a course whose sessions the demo just recorded."""
    measure_sessions(course, records, seed)
    if (
        not Photo.objects.filter(patient=course.patient).exists()
        and random.Random(f"{seed}:{course.patient_id}:photos").random() < 0.5
    ):
        demo_photos(course, course.clinician)
    surveys = random.Random(f"{seed}:{course.patient_id}:survey")
    if not Survey.objects.filter(course=course).exists() and surveys.random() < 0.7:
        record_survey(actor=course.clinician, course=course, rating=surveys.choice(RATINGS))


def seed_demo(staff, patients: int, seed: int) -> list[str]:
    """This app's demo data for `manage.py seed_demo`: the lines it prints."""
    recorded = seed_records(staff, seed)
    for course, records in recorded:
        course_outcomes(course, records, seed)
    return [
        f"Sessions: {sum(len(records) for _, records in recorded)} recorded with passes, "
        "measures, photos, surveys and a few adverse events; "
        f"{ProductLot.objects.count()} product lots (one expiring soon and one expired per "
        "formulation).",
    ]
