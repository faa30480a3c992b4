"""The Hypothesis profiles of the root conftest.py: CI tolerates a loaded machine."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]


def test_ci_profile_has_no_deadline_and_tolerates_slow_data_generation():
    ci = settings.get_profile("ci")
    assert ci.deadline is None
    assert HealthCheck.too_slow in ci.suppress_health_check


def test_dev_profile_keeps_hypothesis_defaults():
    dev = settings.get_profile("dev")
    assert dev.deadline == settings.get_profile("default").deadline
    assert HealthCheck.too_slow not in dev.suppress_health_check


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"CI": "true"}, "ci"),
        ({"HYPOTHESIS_PROFILE": "ci"}, "ci"),
        ({}, "dev"),
        ({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}, "dev"),
    ],
)
def test_profile_is_chosen_from_the_environment(environ, expected):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    code = "import conftest, hypothesis; print(hypothesis.settings().deadline is None)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected == "ci")
