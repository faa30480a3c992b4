"""Demo data of the reports for `manage.py seed_demo`.

- Every run: the demo practices' rollup rows are marked synthetic (the demo's patients
  are generated), so every report of them says so.
- `seed_demo --meso-report-2015`: the network's 2015 member survey recreated at its
  published size (DOMAIN.md, "Outcomes"): 13,878 surveyed courses, 1,175 MesoLift,
  12,500 hair, 203 of neither formulation, surveyed through 2015, spread over the demo
  practices. The article gives no shares, so the ratings (and sex, age, indication and
  sessions) are drawn from plausible distributions and every row is synthetic. Rows of
  a recreated survey have no course: they exist only in the rollup. Deterministic for a
  seed; a second run finds the recreation complete and adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from reports.models import AgeBand, SurveyedCourse

SIZE_2015 = {"mesolift": 1175, "mesohair": 12500, "other": 203}  # 13,878 in all
YEAR = 2015

# Plausible, not published (DOMAIN.md): the recreation is labelled synthetic.
RATINGS = {  # less satisfied, satisfied, very satisfied
    "mesolift": (0.07, 0.41, 0.52),
    "mesohair": (0.16, 0.46, 0.38),
    "other": (0.12, 0.50, 0.38),
}
FEMALE_SHARE = {"mesolift": 0.9, "mesohair": 0.45, "other": 0.7}
AGE_WEIGHTS = {
    "mesolift": (0.08, 0.22, 0.34, 0.26, 0.10),
    "mesohair": (0.18, 0.30, 0.26, 0.17, 0.09),
    "other": (0.15, 0.25, 0.30, 0.20, 0.10),
}
TARGETS = {
    "mesolift": ("elastosis", "enlarged_pores", "pale_complexion", "age_spots", "prevention"),
    "mesohair": ("regrowth", "stabilise"),
    "other": ("",),
}
SESSIONS = (8, 8, 8, 8, 8, 8, 7, 6, 5, 4)


def seed_demo(staff, *, patients: int, seed: int) -> list[str]:
    marked = SurveyedCourse.objects.filter(
        practice__in=staff.practices, synthetic=False, course__isnull=False
    ).update(synthetic=True)
    return [f"Reports: {marked} demo surveyed course(s) marked synthetic."] if marked else []


def recreated_2015(network) -> int:
    return SurveyedCourse.objects.filter(
        network=network, course__isnull=True, synthetic=True, surveyed_on__year=YEAR
    ).count()


@transaction.atomic
def recreate_2015(staff, *, seed: int) -> list[str]:
    """The 2015 survey's 13,878 synthetic rows, or nothing if they are already there."""
    total = sum(SIZE_2015.values())
    present = recreated_2015(staff.network)
    if present == total:
        return [f"Meso-Report 2015: already recreated ({total:,} synthetic surveyed courses)."]
    SurveyedCourse.objects.filter(
        network=staff.network, course__isnull=True, synthetic=True, surveyed_on__year=YEAR
    ).delete()
    rng = random.Random(f"{seed}:meso-report-2015")
    bands = list(AgeBand.values)
    levels = ("less_satisfied", "satisfied", "very_satisfied")
    rows = []
    for protocol, count in SIZE_2015.items():
        for _ in range(count):
            practice = staff.practices[rng.randrange(len(staff.practices))]
            rows.append(
                SurveyedCourse(
                    course=None,
                    practice=practice,
                    network_id=practice.network_id,
                    protocol=protocol,
                    target=rng.choice(TARGETS[protocol]),
                    sex="female" if rng.random() < FEMALE_SHARE[protocol] else "male",
                    age_band=rng.choices(bands, AGE_WEIGHTS[protocol])[0],
                    sessions_completed=rng.choice(SESSIONS),
                    surveyed_on=date(YEAR, 1, 1) + timedelta(days=rng.randrange(365)),
                    rating=rng.choices(levels, RATINGS[protocol])[0],
                    synthetic=True,
                )
            )
    SurveyedCourse.objects.bulk_create(rows, batch_size=2000)
    return [
        f"Meso-Report 2015 recreated: {total:,} synthetic surveyed courses "
        f"({SIZE_2015['mesolift']:,} MesoLift, {SIZE_2015['mesohair']:,} hair, "
        f"{SIZE_2015['other']:,} neither)."
    ]
