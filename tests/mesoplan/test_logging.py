"""Logging (settings.LOGGING): each record is printed once, on stdout, debug on or off.

Runs a fresh interpreter so the real configuration is exercised: Django's default
logging first, then ours on top, exactly as `manage.py` and the workers start.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import logging
import django

django.setup()
logging.getLogger("django.request").warning("probe-django-request")
logging.getLogger("django.security.csrf").warning("probe-django-security")
logging.getLogger("mesoplan").warning("probe-mesoplan")
logging.getLogger("django.server").warning("probe-runserver")
"""
PROBES = ("probe-django-request", "probe-django-security", "probe-mesoplan", "probe-runserver")


@pytest.mark.parametrize("debug", ["1", "0"])
def test_every_log_record_is_printed_exactly_once(debug):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoplan.settings",
        "DJANGO_DEBUG": debug,
        "DJANGO_SECRET_KEY": "logging-test-secret-" + "x" * 40,
    }
    env.pop("DJANGO_LOG_LEVEL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    for probe in PROBES:
        assert output.count(probe) == 1, (probe, output)
    # Ours go to stdout, as README says (runserver's request lines keep Django's stderr).
    assert "probe-mesoplan" in result.stdout and "probe-django-request" in result.stdout
