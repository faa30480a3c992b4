"""Import directions (docs/architecture.md, "Layers point one way"): the import-linter contracts in
pyproject.toml hold, and they do break when an import goes the wrong way."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "mesoplan",
    "protocols",
    "patients",
    "scheduling",
    "lots",
    "sessions",
    "outcomes",
    "reports",
    "office",
    "webhooks",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # import-linter reads pyproject.toml in `cwd` and puts `cwd` first on sys.path.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("module", "violation", "contract"),
    [
        ("mesoplan/selectors.py", "import patients.models", "Apps layered on the foundation"),
        ("protocols/selectors.py", "import patients.screening", "Apps layered on the foundation"),
        ("patients/services.py", "import patients.api.views", "tasks import no api/ or views"),
        ("mesoplan/models.py", "import mesoplan.views", "tasks import no api/ or views"),
        # A workflow module named for what it does is a service too.
        ("sessions/recording.py", "import sessions.views.records", "tasks import no api/ or views"),
        # The treatment room may not reach up to outcomes, nor the calendar to the room.
        ("sessions/recording.py", "import outcomes.models", "Apps layered on the foundation"),
        ("scheduling/booking.py", "import sessions.models", "Apps layered on the foundation"),
        # The calendar and the lot registry are siblings: neither uses the other.
        ("lots/services.py", "import scheduling.models", "Apps layered on the foundation"),
        ("scheduling/selectors.py", "import lots.models", "Apps layered on the foundation"),
        # Nothing but the office sits on top of the reports.
        ("reports/models.py", "import office.home", "Apps layered on the foundation"),
        # The foundation's scoping may not name its models, not even for a type.
        (
            "mesoplan/tenancy.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import mesoplan.models",
            "The foundation's own layers: models over scoping over roles",
        ),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(tmp_path, module, violation, contract):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{violation}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 2 kept, 1 broken." in result.stdout, result.stdout
    assert f"{contract} BROKEN" in result.stdout, result.stdout
