"""The storages the apps keep files in, as callables a FileField can name: the
deployment's STORAGES setting decides at run time, and no migration freezes it."""

from django.core.files.storage import Storage, storages


def photo_storage() -> Storage:
    """The `photos` storage of settings.STORAGES: local files outside any public URL by
    default, an S3-compatible store by setting (docs/deployment.md)."""
    return storages["photos"]
