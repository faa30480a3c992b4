"""Photos of a session: consent first, only real JPEG/PNG/WebP within the limits, stored
re-encoded without any metadata under a random name, and served only to staff of the
practice through the scoped views (never MEDIA_URL or static)."""

import json
import struct
import zlib
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import AuditEntry
from outcomes import photos
from outcomes.models import Photo
from tests.outcomes.outcome_support import (
    GPS_IFD,
    MAKE,
    camera_exif,
    consent,
    image_bytes,
    noisy_jpeg,
    recorded_session,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(clinician_a):
    record = recorded_session(clinician_a)
    consent(clinician_a, record.patient)
    return record


def add(clinician, session, data, name="IMG_0001 Anna Schmidt.jpg", **kwargs):
    return photos.add_photo(
        actor=clinician,
        session_record=session,
        phase=kwargs.pop("phase", "before"),
        region=kwargs.pop("region", "forehead"),
        upload=upload(data, name=name, **kwargs),
    )


def stored(photo: Photo) -> bytes:
    with photo.image.storage.open(photo.image.name, "rb") as handle:
        return handle.read()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


# --- What is stored -------------------------------------------------------------------
def test_gps_and_camera_exif_are_gone_from_the_stored_bytes(clinician_a, session):
    original = image_bytes("JPEG", exif=camera_exif())
    assert Image.open(BytesIO(original)).getexif()[MAKE] == "PhoneMaker"  # the test's premise
    photo = add(clinician_a, session, original)
    kept = stored(photo)
    image = Image.open(BytesIO(kept))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(GPS_IFD) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    for trace in (b"PhoneMaker", b"Model X Pro", b"2026:03:14", b"Exif"):
        assert trace not in kept
    assert photo.content_type == "image/jpeg" and photo.byte_size == len(kept)


def test_the_exif_orientation_is_applied_before_it_is_dropped(clinician_a, session):
    # Orientation 6: the camera held sideways; a viewer turns 64 x 32 into 32 x 64.
    photo = add(clinician_a, session, image_bytes("JPEG", size=(64, 32), exif=camera_exif(6)))
    image = Image.open(BytesIO(stored(photo)))
    assert image.size == (32, 64) == (photo.width, photo.height)
    assert dict(image.getexif()) == {}


def test_png_text_chunks_and_webp_metadata_are_dropped(clinician_a, session):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Anna Schmidt, Berlin")
    png = add(clinician_a, session, image_bytes("PNG", pnginfo=info, exif=camera_exif()))
    kept = stored(png)
    assert b"Anna Schmidt" not in kept and b"PhoneMaker" not in kept
    assert Image.open(BytesIO(kept)).format == "PNG" and png.content_type == "image/png"
    webp = add(clinician_a, session, image_bytes("WEBP", exif=camera_exif()), name="a.webp")
    kept = stored(webp)
    assert b"PhoneMaker" not in kept and b"EXIF" not in kept
    assert webp.content_type == "image/webp" and webp.image.name.endswith(".webp")


def test_a_colour_profile_is_converted_to_srgb_and_not_kept(clinician_a, session):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for icc in (srgb, profile):  # a usable profile and one that is not an RGB one
        photo = add(clinician_a, session, image_bytes("JPEG", icc_profile=icc))
        assert "icc_profile" not in Image.open(BytesIO(stored(photo))).info


def test_the_stored_name_is_random_never_the_uploaded_name(clinician_a, session):
    first = add(clinician_a, session, image_bytes(), name="Anna_Schmidt_forehead.jpg")
    second = add(clinician_a, session, image_bytes(), name="Anna_Schmidt_forehead.jpg")
    for photo in (first, second):
        assert "Anna" not in photo.image.name and "forehead" not in photo.image.name
        assert len(photo.image.name) == len("0" * 32 + ".jpg")
    assert first.image.name != second.image.name
    assert AuditEntry.objects.filter(action="photo.upload", object_id=str(first.pk)).exists()


# --- What is refused ------------------------------------------------------------------
def test_a_text_file_named_jpg_is_a_400(clinician_a, session):
    with pytest.raises(InvalidInput) as caught:
        add(clinician_a, session, b"just some text, not a photo\n" * 20)
    assert "image" in caught.value.errors
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        image_bytes("GIF"),
        image_bytes("BMP"),
        image_bytes("JPEG")[:200],  # cut off
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature and nothing valid
    ],
    ids=["gif", "bmp", "truncated-jpeg", "broken-png"],
)
def test_other_types_and_broken_files_are_a_400(clinician_a, session, data):
    with pytest.raises(InvalidInput) as caught:
        add(clinician_a, session, data)
    assert list(caught.value.errors) == ["image"]


def test_a_decompression_bomb_is_a_400_before_its_pixels_are_decoded(clinician_a, session):
    with pytest.raises(InvalidInput) as caught:
        add(clinician_a, session, png_claiming(100_000, 100_000), name="bomb.png")
    assert "image" in caught.value.errors


def test_pixels_over_the_setting_are_a_400(clinician_a, session, settings):
    settings.PHOTO_MAX_PIXELS = 1000
    with pytest.raises(InvalidInput) as caught:
        add(clinician_a, session, image_bytes(size=(50, 50)))
    assert "2,500" not in caught.value.errors["image"][0]
    assert "1,000 pixels" in caught.value.errors["image"][0]


def test_a_file_over_the_byte_limit_is_a_400(clinician_a, session, settings):
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(InvalidInput) as caught:
        add(clinician_a, session, noisy_jpeg(2000))
    assert "larger than" in caught.value.errors["image"][0]


def test_no_consent_is_a_409_and_a_withdrawn_one_too(clinician_a):
    session = recorded_session(clinician_a)
    with pytest.raises(Conflict) as caught:
        add(clinician_a, session, image_bytes())
    assert caught.value.code == "no_photo_consent"
    consent(clinician_a, session.patient, given=True)
    add(clinician_a, session, image_bytes())
    consent(clinician_a, session.patient, given=False)
    with pytest.raises(Conflict) as caught:
        add(clinician_a, session, image_bytes())
    assert "withdrawn" in caught.value.message
    assert Photo.objects.count() == 1


def test_a_manager_adds_no_photo(manager_a, session):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        add(manager_a, session, image_bytes())


# --- The API --------------------------------------------------------------------------
def photos_url(session):
    return reverse("session-photos", kwargs={"appointment_pk": session.appointment_id})


def test_api_upload_lists_and_serves_the_clean_photo(api_a, session):
    response = api_a.post(
        photos_url(session),
        {"phase": "after", "region": "forehead", "image": upload(image_bytes(exif=camera_exif()))},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phase"] == "after" and body["content_type"] == "image/jpeg"
    listed = api_a.get(photos_url(session)).json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]
    assert api_a.get(reverse("photo-detail", kwargs={"pk": body["id"]})).json()["id"] == body["id"]
    content = api_a.get(body["content_url"])
    assert content.status_code == 200
    assert content["Content-Type"] == "image/jpeg"
    assert content["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in content["Cache-Control"] and "private" in content["Cache-Control"]
    data = b"".join(content.streaming_content)
    assert b"PhoneMaker" not in data and Image.open(BytesIO(data)).format == "JPEG"
    assert AuditEntry.objects.filter(action="photo.view", object_id=body["id"]).count() == 1


def test_api_refusals(api_a, api_for, manager_a, clinician_a):
    session = recorded_session(clinician_a)
    url = photos_url(session)
    no_consent = api_a.post(url, {"phase": "before", "image": upload(image_bytes())}, "multipart")
    assert no_consent.status_code == 409 and no_consent.json()["code"] == "no_photo_consent"
    consent(clinician_a, session.patient)
    text = api_a.post(url, {"phase": "before", "image": upload(b"hello" * 100)}, "multipart")
    assert text.status_code == 400 and "image" in text.json()
    phase = api_a.post(url, {"phase": "during", "image": upload(image_bytes())}, "multipart")
    assert phase.status_code == 400 and "phase" in phase.json()
    manager = api_for(manager_a).post(
        url, {"phase": "before", "image": upload(image_bytes())}, "multipart"
    )
    assert manager.status_code == 403
    assert api_for(manager_a).get(url).status_code == 200  # a manager sees them
    assert not Photo.objects.exists()


def test_an_unrecorded_appointment_has_no_photos(api_a, clinician_a):
    from tests.sessions.recording_support import booked_course

    appointment = booked_course(clinician_a).appointments.first()
    url = reverse("session-photos", kwargs={"appointment_pk": appointment.pk})
    assert api_a.get(url).status_code == 404


def test_another_practice_gets_404_for_the_view_and_the_api(
    clinician_a, session, api_b, client, clinician_b
):
    photo = add(clinician_a, session, image_bytes())
    client.force_login(clinician_b)
    assert client.get(reverse("photo", kwargs={"pk": photo.pk})).status_code == 404
    assert api_b.get(reverse("photo-detail", kwargs={"pk": photo.pk})).status_code == 404
    assert api_b.get(reverse("photo-content", kwargs={"pk": photo.pk})).status_code == 404
    assert api_b.get(photos_url(session)).status_code == 404
    assert not AuditEntry.objects.filter(action="photo.view").exists()


def test_the_browser_view_streams_the_photo_to_practice_staff(clinician_a, session, client):
    photo = add(clinician_a, session, image_bytes("PNG"), name="x.png")
    client.force_login(clinician_a)
    response = client.get(reverse("photo", kwargs={"pk": photo.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == stored(photo)
    client.logout()
    assert client.get(reverse("photo", kwargs={"pk": photo.pk})).status_code == 302  # sign in


def test_photos_are_not_served_under_media_or_static(clinician_a, session, client):
    photo = add(clinician_a, session, image_bytes())
    client.force_login(clinician_a)
    name = photo.image.name
    for path in (f"/{name}", f"/media/{name}", f"/static/{name}", f"/photos/{name}"):
        assert client.get(path).status_code == 404, path


def test_a_file_missing_from_the_store_is_a_404_not_a_500(clinician_a, session, client):
    photo = add(clinician_a, session, image_bytes())
    photo.image.storage.delete(photo.image.name)
    client.force_login(clinician_a)
    assert client.get(reverse("photo", kwargs={"pk": photo.pk})).status_code == 404


def test_an_idempotent_upload_replays_whatever_the_multipart_boundary(api_a, session):
    data = image_bytes()
    first = api_a.post(
        photos_url(session),
        {"phase": "before", "image": upload(data)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="photo-1",
    )
    # The same fields and file, framed by another boundary.
    from django.test.client import encode_multipart

    body = encode_multipart("other-boundary-123", {"phase": "before", "image": upload(data)})
    again = api_a.generic(
        "POST",
        photos_url(session),
        body,
        content_type="multipart/form-data; boundary=other-boundary-123",
        HTTP_IDEMPOTENCY_KEY="photo-1",
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Photo.objects.count() == 1
    other = api_a.post(
        photos_url(session),
        {"phase": "after", "image": upload(data)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="photo-1",
    )
    assert other.status_code == 422


# --- Body limits at the root (mesoplan/guards.py) -------------------------------------
def test_a_2_mib_photo_passes_the_guard_on_the_photo_paths_only(
    api_a, session, client, clinician_a
):
    big = noisy_jpeg(2 * 1024 * 1024)
    response = api_a.post(
        photos_url(session), {"phase": "before", "image": upload(big)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    client.force_login(clinician_a)
    browser = client.post(
        reverse("calendar:session-photo-add", kwargs={"record_pk": session.pk}),
        {"photo-phase": "after", "photo-region": "", "photo-image": upload(big)},
    )
    assert browser.status_code == 302
    assert Photo.objects.count() == 2
    # The same size as JSON anywhere else is still refused before it is read.
    body = json.dumps({"first_name": "x" * (2 * 1024 * 1024)})
    elsewhere = api_a.generic("POST", "/api/v1/patients/", body, content_type="application/json")
    assert elsewhere.status_code == 413
    measures = reverse("session-measures", kwargs={"appointment_pk": session.appointment_id})
    assert api_a.generic("POST", measures, body, content_type="application/json").status_code == 413


def test_a_body_over_the_photo_limit_is_a_413_on_the_photo_path(api_a, session, settings):
    settings.PHOTO_UPLOAD_MAX_BODY = 1_500_000
    big = noisy_jpeg(2 * 1024 * 1024)
    response = api_a.post(
        photos_url(session), {"phase": "before", "image": upload(big)}, format="multipart"
    )
    assert response.status_code == 413
    assert "1500000 bytes" in response.json()["detail"]
    assert not Photo.objects.exists()


def test_a_photo_of_a_region_the_course_does_not_treat_is_refused(clinician_a):
    session = recorded_session(clinician_a)
    consent(clinician_a, session.patient)
    with pytest.raises(InvalidInput) as caught:
        photos.add_photo(
            actor=clinician_a,
            session_record=session,
            phase="before",
            region="scalp_vertex",
            upload=upload(image_bytes()),
        )
    assert caught.value.errors == {"region": ["A skin course does not treat this region."]}


def test_the_default_refuses_what_no_clinic_camera_makes(clinician_a, session):
    """Issue 16.B.3: 7071 x 7071 pixels (50 MP) took 12 s and 1 GB of a worker; the
    default limit is 24 MP (6000 x 4000), refused from the header before decoding."""
    with pytest.raises(InvalidInput) as caught:
        add(clinician_a, session, png_claiming(7071, 7071), name="large.png")
    assert "at most 24,000,000 pixels" in caught.value.errors["image"][0]
    with pytest.raises(InvalidInput) as camera:  # only a header: unreadable, not too large
        add(clinician_a, session, png_claiming(6000, 4000), name="camera.png")
    assert "pixels are accepted" not in camera.value.errors["image"][0]
