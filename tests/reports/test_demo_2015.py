"""`seed_demo --meso-report-2015`: the 2015 survey at its published size, synthetic, once."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from reports.models import SurveyedCourse

pytestmark = pytest.mark.django_db


def test_the_2015_survey_is_recreated_at_its_size_labelled_and_only_once(capsys):
    call_command(
        "seed_demo", "--patients", "4", "--password", "demo-pass-2026", "--meso-report-2015"
    )
    rows = SurveyedCourse.objects.filter(course__isnull=True, surveyed_on__year=2015)
    by_protocol = dict(rows.values_list("protocol").annotate(n=Count("id")))
    assert by_protocol == {"mesolift": 1175, "mesohair": 12500, "other": 203}
    assert rows.count() == 13878 and not rows.filter(synthetic=False).exists()
    # The demo's own surveyed courses are generated too, and say so.
    assert not SurveyedCourse.objects.filter(synthetic=False).exists()
    ratings = dict(rows.filter(protocol="mesohair").values_list("rating").annotate(n=Count("id")))
    assert set(ratings) == {"less_satisfied", "satisfied", "very_satisfied"}
    assert ratings["satisfied"] > ratings["less_satisfied"]
    call_command(
        "seed_demo", "--patients", "4", "--password", "demo-pass-2026", "--meso-report-2015"
    )
    assert "already recreated" in capsys.readouterr().out
    assert SurveyedCourse.objects.filter(course__isnull=True).count() == 13878
