"""Hand-written mutants: bugs that mutmut cannot write (a whole branch dropped, a row of a
rule table changed: mutmut 3 mutates only inside functions). Each is applied to a copy of
the project, and the tests named for it must then fail (docs/mutation.md).

    .venv/bin/python -m tests.hand_mutants [NAME ...]

Every replaced text must occur exactly once in its file, so a mutant whose code has moved
on fails loudly instead of silently testing nothing. Not collected by pytest (no test_
prefix); `make mutation` runs it after mutmut.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORED = (".venv", "mutants", "var", ".git", ".hypothesis", "*_cache", "__pycache__", "*.egg-info")


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    bug: str


T_RULES = "tests/patients/test_screening_rules.py"
T_CONTRA = "tests/patients/test_contraindications.py"
T_TENANCY = "tests/mesoplan/test_tenancy.py"
T_IDEM = "tests/mesoplan/test_idempotency.py"

MUTANTS = (
    Mutant(
        "weigh_action_vanishes",
        "patients/contraindications.py",
        '_WEIGH = "Weigh the risk and record an acknowledgement with a reason before booking."',
        '_WEIGH = ""',
        (
            f"{T_CONTRA}::test_each_relative_contraindication_tells_the_clinician_to_weigh_and_acknowledge",
        ),
        "relative contraindications no longer tell the clinician to weigh and acknowledge",
    ),
    Mutant(
        "herpes_loses_prophylaxis",
        "patients/contraindications.py",
        '"Give herpes prophylaxis before each session; acknowledge before booking.",',
        "_WEIGH,",
        (
            f"{T_CONTRA}::test_herpes_asks_for_prophylaxis_before_each_session_and_an_acknowledgement",
        ),
        "herpes gets the generic action: no prophylaxis before each session",
    ),
    Mutant(
        "psoriasis_downgraded_to_advisory",
        "patients/contraindications.py",
        'Condition("psoriasis", "Psoriasis", Severity.RELATIVE, Kind.WEIGHED, _WEIGH)',
        'Condition("psoriasis", "Psoriasis", Severity.ADVISORY, Kind.WEIGHED, _WEIGH)',
        (f"{T_RULES}::test_each_relative_contraindication_is_caution_needing_acknowledgement",),
        "psoriasis is stored as advisory while it still needs an acknowledgement",
    ),
    Mutant(
        "pregnancy_made_permanent",
        "patients/contraindications.py",
        'Condition("pregnancy", "Pregnancy", Severity.ABSOLUTE, Kind.TEMPORARY, _DEFER)',
        'Condition("pregnancy", "Pregnancy", Severity.ABSOLUTE, Kind.PERMANENT, _DEFER)',
        (f"{T_RULES}::test_each_absolute_contraindication",),
        "a pregnant patient is excluded for good instead of deferred",
    ),
    Mutant(
        "no_scope_reads_everything",
        "mesoplan/tenancy.py",
        "        return self.none()\n",
        "        return self\n",
        (f"{T_TENANCY}::test_anyone_without_a_scope_sees_nothing",),
        "a user who acts for no practice reads every practice's rows",
    ),
    Mutant(
        "inactive_accounts_keep_their_scope",
        "mesoplan/tenancy.py",
        '    if not getattr(actor, "is_active", False):\n        return Scope.nothing()\n',
        "",
        (f"{T_TENANCY}::test_anyone_without_a_scope_sees_nothing",),
        "a deactivated account still reads its practice's records",
    ),
    Mutant(
        "practice_staff_get_the_network",
        "mesoplan/tenancy.py",
        "        return Scope.practice(actor.practice_id)  # type: ignore[union-attr]",
        "        return Scope.network(actor.practice.network_id)  # type: ignore[union-attr]",
        (f"{T_TENANCY}::test_practice_staff_are_scoped_to_their_practice",),
        "clinicians and managers read every practice of their network",
    ),
    Mutant(
        "practice_branch_dropped",
        "mesoplan/tenancy.py",
        '        if scope.practice_id is not None:\n            return self.filter(**{f"{path}_id": scope.practice_id})\n',
        "",
        (f"{T_TENANCY}::test_practice_scope_reads_one_practice",),
        "the practice branch is gone: practice staff read nothing",
    ),
    Mutant(
        "crash_keeps_the_key",
        "mesoplan/api/idempotent.py",
        "            if claim is not None:\n                idempotency.release_claim(claim)\n            raise",
        "            raise",
        (f"{T_IDEM}::test_an_exception_in_the_view_releases_the_key",),
        "a view that raises leaves its key in flight: every retry is a 409 for 24 hours",
    ),
    Mutant(
        "server_error_is_stored",
        "mesoplan/api/idempotent.py",
        "                if response.status_code >= 500:\n                    idempotency.release_claim(claim)\n                else:\n",
        "                if True:\n",
        (f"{T_IDEM}::test_a_500_answer_releases_the_key",),
        "a 500 is stored and replayed to every retry instead of letting it try again",
    ),
    Mutant(
        "leap_day_onset_crashes",
        "patients/screening.py",
        "    try:\n        return day.replace(year=day.year + years)\n    except ValueError:  # 29 February\n        return day.replace(year=day.year + years, day=28)\n",
        "    return day.replace(year=day.year + years)\n",
        (f"{T_RULES}::test_hair_loss_since_29_february_is_two_years_old_on_28_february",),
        "a hair-loss onset on 29 February makes screening crash",
    ),
    Mutant(
        "onset_before_birth_allowed",
        "patients/plausibility.py",
        '    if born is not None and onset < born:\n        return "The onset cannot be before the date of birth."\n',
        "",
        (
            "tests/patients/test_plausibility.py::test_onset_bounds_are_today_and_the_birth_date_inclusive",
        ),
        "a hair-loss onset before the patient was born is accepted",
    ),
    Mutant(
        "prognosis_not_required",
        "patients/readiness.py",
        '    if indication == "hair" and facts.patient_sex == "male" and not facts.prognosis_explained:\n        reasons.append(_reason(Missing.PROGNOSIS_NOT_EXPLAINED))\n',
        "",
        (
            "tests/patients/test_readiness.py::test_a_man_with_hair_loss_needs_the_prognosis_explained",
        ),
        "a man with hair loss may be booked without the limited prognosis explained",
    ),
    Mutant(
        "banner_follows_the_outcome_not_the_gate",
        "patients/alerts.py",
        "    if readiness.is_ready:\n        found",
        "    if outcome in (Outcome.ELIGIBLE, Outcome.CAUTION):\n        found",
        (
            "tests/patients/test_alerts.py::test_the_banner_says_a_course_may_be_booked_only_when_the_gate_agrees",
        ),
        "an eligible screening without consent says 'A course may be booked'",
    ),
    Mutant(
        "no_primary_key_tie_breaker",
        "mesoplan/keyset.py",
        '        fields.append("-pk" if last_desc else "pk")\n',
        "        pass\n",
        ("tests/mesoplan/test_keyset.py::test_walking_the_api_yields_every_patient_exactly_once",),
        "patients with the same name and birth date are skipped or repeated across pages",
    ),
)


def _copy_project(into: Path) -> Path:
    target = into / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
    (target / "var").mkdir(exist_ok=True)
    return target


def _pytest(project: Path, tests: tuple[str, ...]) -> int:
    # `-m pytest` from the copy puts the copy first on sys.path, ahead of the editable
    # install of the original tree.
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    return subprocess.run(command, cwd=project, capture_output=True, check=False).returncode


def main(names: list[str]) -> int:
    chosen = [m for m in MUTANTS if not names or m.name in names]
    unknown = set(names) - {m.name for m in chosen}
    if unknown:
        print(f"Unknown hand mutants: {', '.join(sorted(unknown))}")
        return 2
    start = time.monotonic()
    killed, survived, stale = [], [], []
    with tempfile.TemporaryDirectory(prefix="hand-mutants-") as tmp:
        project = _copy_project(Path(tmp))
        for mutant in chosen:
            path = project / mutant.path
            original = path.read_text()
            if original.count(mutant.old) != 1:
                stale.append(mutant)
                print(f"  stale    {mutant.name}: its text is not in {mutant.path} exactly once")
                continue
            if _pytest(project, mutant.tests) != 0:
                stale.append(mutant)
                print(f"  stale    {mutant.name}: its tests fail without the mutant")
                continue
            path.write_text(original.replace(mutant.old, mutant.new))
            try:
                failed = _pytest(project, mutant.tests) != 0
            finally:
                path.write_text(original)
            (killed if failed else survived).append(mutant)
            print(f"  {'killed' if failed else 'SURVIVED'}  {mutant.name}: {mutant.bug}")
    seconds = time.monotonic() - start
    print(
        f"hand mutants: {len(killed)} killed, {len(survived)} survived, {len(stale)} stale "
        f"of {len(chosen)} ({seconds:.0f} s)"
    )
    return 0 if not survived and not stale else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
