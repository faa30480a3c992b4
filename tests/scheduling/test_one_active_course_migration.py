"""scheduling 0002-0004 on a database that already holds two active courses of one indication
for one patient (the bug it closes): the newer stays active, the older is ended with a
reason that says why, nothing is deleted, and the unique index is then built."""

from datetime import UTC, datetime

import pytest

from tests.migration_support import a_screened_patient

BEFORE = [
    ("scheduling", "0001_initial"),
    ("clinical_sessions", "0007_models_move_to_their_apps"),
    ("patients", "0007_photography_consent_append_only"),
    ("protocols", "0005_load_plausible_pass_ranges"),
]
AFTER = [("scheduling", "0004_one_active_course_index")]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_older_duplicate_active_course_is_ended_with_its_reason(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    model = old.apps.get_model
    screened = a_screened_patient(old.apps)
    clinician, patient, screening = screened.clinician, screened.patient, screened.screening
    protocol = model("protocols", "Protocol").objects.get(code="mesolift")
    Course = model("scheduling", "Course")
    courses = [
        Course.objects.create(
            patient=patient,
            protocol=protocol,
            clinician=clinician,
            screening=screening,
            initial_interval_days=7,
            created_by=clinician,
        )
        for _ in range(2)
    ]
    Course.objects.filter(pk=courses[0].pk).update(created_at=datetime(2026, 1, 5, tzinfo=UTC))

    new = migrator.apply_tested_migration(AFTER)
    Course = new.apps.get_model("scheduling", "Course")
    older, newer = (Course.objects.get(pk=c.pk) for c in courses)
    assert (newer.status, newer.indication) == ("active", "skin")
    assert older.status == "ended" and "newer course" in older.ended_reason
    assert older.ended_at is not None
    assert Course.objects.count() == 2
