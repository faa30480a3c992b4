"""Before and after photos of a recorded session (DOMAIN.md, "Outcomes"), taken with the
patient's consent to photography.

What is stored is never what was uploaded: the file must be a JPEG, PNG or WebP that
Pillow can read (the name and the browser's content type are not trusted), no larger
than PHOTO_MAX_BYTES and PHOTO_MAX_PIXELS (a decompression bomb is refused before its
pixels are decoded), turned upright from its EXIF orientation, converted to sRGB when it
carries a colour profile, and re-encoded from the bare pixels: no EXIF (GPS position,
camera make and model, dates), no XMP, no ICC profile, no comments. It is stored through
the `photos` storage (settings.STORAGES) under a random name that says nothing about the
patient, and served only through the practice-scoped views (outcomes/photo_http.py).
"""

import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import require_clinician
from mesoplan.tenancy import ensure_in_scope, scoped
from patients.selectors import photography_consent
from protocols.regions import Region, regions_for
from sessions.models import SessionRecord

from .models import Photo, PhotoPhase

# Pillow format -> (content type, file extension) of what we store.
ACCEPTED = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
# What a damaged or hostile file makes Pillow raise while it is read. Anything of these
# is the client's file, a 400, never a 500.
UNREADABLE = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    MemoryError,
)


@dataclass(frozen=True)
class CleanImage:
    """An image ready to store: re-encoded pixels and what they are."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _image_error(message: str) -> InvalidInput:
    return InvalidInput({"image": [message]})


def _in_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """The pixels converted from their embedded colour profile to sRGB, so that dropping
    the profile does not change how they look. A profile Pillow cannot use is ignored."""
    if not icc_profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _reencoded(image: Image.Image, fmt: str) -> CleanImage:
    icc_profile = image.info.get("icc_profile")
    try:
        upright = ImageOps.exif_transpose(image) or image
    except UNREADABLE:  # a damaged EXIF block: the pixels are still the photo
        upright = image
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    mode = "RGBA" if has_alpha and fmt != "JPEG" else "RGB"
    pixels = _in_srgb(upright.convert(mode), icc_profile)
    # A new image from the bare pixels: nothing of the original's `info` (EXIF, XMP, ICC,
    # comments, text chunks) can reach the encoder.
    bare = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = BytesIO()
    if fmt == "JPEG":
        bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "PNG":
        bare.save(out, "PNG")
    else:
        bare.save(out, "WEBP", quality=WEBP_QUALITY)
    content_type, extension = ACCEPTED[fmt]
    return CleanImage(out.getvalue(), content_type, extension, bare.width, bare.height)


def clean_image(upload: IO[bytes], *, size: int, max_bytes: int, max_pixels: int) -> CleanImage:
    """The upload as a clean image to store, or InvalidInput naming `image`.

    Pillow reads the type from the bytes (`verify` checks the whole file without
    decoding it), then the file is opened again (a verified image cannot be used) and
    its pixels decoded, after the pixel count was checked from the header."""
    limit_mib = max_bytes / (1024 * 1024)
    if size > max_bytes:
        raise _image_error(f"The photo is larger than {limit_mib:g} MiB.")
    if size == 0:
        raise _image_error("The file is empty.")
    kinds = "JPEG, PNG or WebP"
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=list(ACCEPTED)) as probe:
                fmt = str(probe.format)
                if probe.width * probe.height > max_pixels:
                    raise _image_error(
                        f"The photo has {probe.width} x {probe.height} pixels; at most "
                        f"{max_pixels:,} pixels are accepted."
                    )
                probe.verify()
            upload.seek(0)
            with Image.open(upload, formats=[fmt]) as image:
                image.load()
                return _reencoded(image, fmt)
    except InvalidInput:
        raise
    except UNREADABLE as exc:
        raise _image_error(f"This is not a {kinds} image that can be read.") from exc


def _choice_errors(phase: str, region: str, indication: str | None) -> dict[str, list[str]]:
    errors = {}
    if phase not in PhotoPhase.values:
        errors["phase"] = [f"Choose one of: {', '.join(PhotoPhase.values)}."]
    if region and region not in Region.values:
        errors["region"] = ["Not a region of the face or the scalp (domain.md, Regions)."]
    elif region and indication and region not in regions_for(indication):
        errors["region"] = [f"A {indication} course does not treat this region."]
    return errors


def add_photo(
    *, actor, session_record: SessionRecord, phase: str, region: str = "", upload: Any
) -> Photo:
    """Stores a before or after photo of the session (a clinician), re-encoded without
    any metadata. 409 `no_photo_consent` unless the patient's current answer to
    photography is consent; 400 naming `image` for anything but a readable JPEG, PNG or
    WebP within the size and pixel limits."""
    require_clinician(actor, "add photos")
    ensure_in_scope(actor, session_record)
    region = region or ""
    course = session_record.course
    errors = _choice_errors(phase, region, course.protocol.indication if course else None)
    if errors:
        raise InvalidInput(errors)
    consent = photography_consent(actor, session_record.patient)
    if consent is None or not consent.given:
        raise Conflict(
            "The patient has not consented to photography"
            + (" (consent was withdrawn)" if consent else "")
            + ": record the consent on the patient's record first.",
            "no_photo_consent",
        )
    clean = clean_image(
        upload,
        size=upload.size,
        max_bytes=settings.PHOTO_MAX_BYTES,
        max_pixels=settings.PHOTO_MAX_PIXELS,
    )
    photo = Photo(
        practice_id=session_record.practice_id,
        patient_id=session_record.patient_id,
        session_record=session_record,
        phase=phase,
        region=region,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        byte_size=len(clean.data),
        uploaded_by=actor,
    )
    # The file is written first (the row must name it, and rows are never updated); if
    # the row cannot be written the file goes again.
    photo.image.save(f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.data), save=False)
    try:
        with transaction.atomic():
            photo.save(force_insert=True)
            audit.record(
                actor,
                Action.PHOTO_UPLOAD,
                photo,
                patient_id=session_record.patient_id,
                summary=f"{photo.get_phase_display()} photo"
                + (f", {photo.get_region_display()}" if region else ""),
            )
    except BaseException:
        photo.image.storage.delete(str(photo.image.name))
        raise
    return photo


def photos_for(actor) -> QuerySet[Photo]:
    """The actor's photos with who took them, in the order a session shows them."""
    return scoped(Photo, actor).select_related("uploaded_by").order_by("uploaded_at", "id")


def record_photo_view(actor, photo: Photo) -> None:
    """Every opening of a photo is in the audit trail (a clinical record is read)."""
    audit.record(
        actor,
        Action.PHOTO_VIEW,
        photo,
        patient_id=photo.patient_id,
        summary=f"{photo.get_phase_display()} photo",
    )
