"""`make audit` (deploy/dependency_audit.py): a pip-audit run that reached no vulnerability
database must not read as a clean one, and a vulnerability always fails."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "dependency_audit", ROOT / "deploy/dependency_audit.py"
)
assert _spec and _spec.loader
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

SKIP = "Dependency not found on PyPI and could not be audited: django (5.2)"


def report(*deps):
    return {"dependencies": list(deps), "fixes": []}


def test_nothing_audited_says_it_proves_nothing_and_fails_only_when_strict():
    unreachable = report({"name": "django", "version": "5.2", "skip_reason": SKIP})
    lines, code = audit.summary(unreachable, service="pypi", strict=False)
    assert code == 0
    assert "0 of 1 packages audited" in lines[0] and "proves nothing" in lines[-1]
    assert audit.summary(unreachable, service="pypi", strict=True)[1] == 2


def test_a_known_vulnerability_fails_with_its_fix_whatever_the_strictness():
    vulnerable = report(
        {
            "name": "django",
            "version": "5.2",
            "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
        },
        {"name": "celery", "version": "5.4", "vulns": []},
    )
    lines, code = audit.summary(vulnerable, service="osv", strict=False)
    assert code == 1
    assert lines[0] == "django 5.2: PYSEC-1 (fixed in: 5.2.1)"
    assert "2 of 2 packages audited, 1 with known vulnerabilities" in lines[1]


def test_every_package_audited_and_none_vulnerable_passes_strict():
    clean = report({"name": "django", "version": "5.2", "vulns": []})
    assert audit.summary(clean, service="pypi", strict=True) == (
        ["pip-audit (pypi): 1 of 1 packages audited, 0 with known vulnerabilities."],
        0,
    )
