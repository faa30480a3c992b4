"""Streaming a clinical photo to staff of its practice: the one way a photo leaves the
server (there is no public URL, MEDIA_URL serves nothing). The browser page and the API
both answer through here, after they found the photo within the actor's practice."""

from django.http import FileResponse, Http404

from .models import Photo
from .photos import record_photo_view


def photo_response(actor, photo: Photo) -> FileResponse:
    """The photo's bytes with its content type, never cached or sniffed, and audited.
    A file missing from the store is a 404, not a 500."""
    name = str(photo.image.name)
    try:
        handle = photo.image.storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The photo's file is missing from the store.") from exc
    record_photo_view(actor, photo)
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    extension = name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.{extension}"'
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
