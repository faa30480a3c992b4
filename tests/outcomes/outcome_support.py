"""Helpers the outcome tests share: a recorded session, consent to photography, and
images made in memory (with the metadata a phone camera writes)."""

import os
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lots.models import ProductLot
from patients import services as patient_services
from sessions import recording
from tests.sessions.recording_support import a_pass, a_past_moment, booked_course, fine_check, lot

GPS_IFD = 0x8825
MAKE, MODEL, ORIENTATION, DATETIME = 0x010F, 0x0110, 0x0112, 0x0132


def recorded_session(clinician, *, protocol="mesolift", patient=None, course=None):
    """A course booked for a ready patient, its first session recorded."""
    course = course or booked_course(clinician, protocol=protocol, patient=patient)
    formulation = course.protocol.formulation.code
    number = f"{formulation.upper()}-1"
    if not ProductLot.objects.filter(practice=clinician.practice, lot_number=number).exists():
        lot(clinician.practice, clinician, number, formulation=formulation)
    region = "scalp_vertex" if protocol == "mesohair" else "forehead"
    appointment = course.appointments.filter(status="scheduled").order_by("sequence").first()
    return recording.record_session(
        actor=clinician,
        appointment=appointment,
        answers=fine_check(),
        passes=[a_pass("nappage", region, lot_number=number)],
        performed_at=a_past_moment(),
    )


def consent(clinician, patient, given=True):
    return patient_services.record_photography_consent(
        actor=clinician, patient=patient, given=given
    )


def camera_exif(orientation: int | None = None) -> Image.Exif:
    """What a phone writes: camera make and model, a date, and where the photo was taken."""
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[MODEL] = "Model X Pro"
    exif[DATETIME] = "2026:03:14 10:15:00"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (52.0, 31.0, 12.0)
    gps[3] = "E"
    gps[4] = (13.0, 24.0, 36.0)
    return exif


def image_bytes(fmt="JPEG", size=(64, 32), mode="RGB", **save) -> bytes:
    image = Image.new(mode, size, (200, 120, 90) if mode == "RGB" else None)
    out = BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def noisy_jpeg(min_bytes: int) -> bytes:
    """A JPEG of random pixels at least `min_bytes` long (noise does not compress)."""
    side = int((min_bytes / 2) ** 0.5)
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = BytesIO()
        image.save(out, "JPEG", quality=95)
        if out.tell() >= min_bytes:
            return out.getvalue()
        side = int(side * 1.15)
