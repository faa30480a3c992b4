"""Test settings: the real settings module with the test-speed switches of docs/conventions.md
(fast hasher, eager Celery, locmem cache and e-mail, plain static storage)."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from mesoplan.settings import *  # noqa: F403
from mesoplan.settings import STORAGES

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
_PHOTOS = tempfile.mkdtemp(prefix="mesoplan-test-photos-")
atexit.register(shutil.rmtree, _PHOTOS, ignore_errors=True)
STORAGES = {
    **STORAGES,
    # Photos the tests upload go to a directory of this test process, never to var/.
    "photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _PHOTOS, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
