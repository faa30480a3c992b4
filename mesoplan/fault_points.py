"""Test-only pauses at named points of a task, so that a fault test can kill the worker
right there (tests/faults/, tests/reports/test_worker.py). A worker started with the
point's variable set to a number of seconds sleeps that long at the point. Honoured only
with DEBUG on, never in production."""

import os
import time

from django.conf import settings


def pause(variable: str) -> None:
    if settings.DEBUG and (seconds := float(os.environ.get(variable) or 0)) > 0:
        time.sleep(seconds)
