"""Every example in a docstring runs: the rule modules' doctests are documentation that
must not rot. Modules are found by their `>>>`, so a new one joins without a list."""

import doctest
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("mesoplan", "protocols", "patients", "scheduling", "lots", "sessions", "outcomes")
APPS += ("reports", "office", "webhooks")


def modules_with_examples() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or not re.search(r"^\s*>>> ", path.read_text(), re.M):
                continue
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def test_the_rule_modules_are_among_them():
    found = set(modules_with_examples())
    assert {"protocols.planner", "patients.screening", "sessions.passes", "webhooks.retry"} <= found


@pytest.mark.django_db
@pytest.mark.parametrize("name", modules_with_examples())
def test_examples_in_docstrings_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
