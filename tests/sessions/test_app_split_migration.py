"""A database migrated at the last migrations before the calendar, the lot registry and
outcomes became apps of their own keeps every row through the move (clinical_sessions
0006-0007 and the new apps' 0001): a course with its appointment, a recorded session with
its check and passes, a lot, an adverse event and a survey are all found afterwards, the
records are still append-only, the exclusion constraint still refuses double booking on
PostgreSQL, and content types keep their ids (permissions and admin log entries with them).

django-test-migrations builds the old database from the migrations themselves, starting
from empty tables, exactly as a practice that migrated at that main did; the same test
runs on SQLite (`make test`) and on PostgreSQL (CI)."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tests.migration_support import a_screened_patient

# Where each app stood before the move; `after` is where it stands now.
BEFORE = [
    ("clinical_sessions", "0005_session_records_append_only"),
    ("patients", "0007_photography_consent_append_only"),
    ("protocols", "0005_load_plausible_pass_ranges"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
]
AFTER = [
    ("clinical_sessions", "0007_models_move_to_their_apps"),
    ("scheduling", "0001_initial"),
    ("lots", "0001_initial"),
    ("outcomes", "0001_initial"),
]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def write_before_the_move(apps) -> dict:
    """What a practice had: rows written through the historical models of the old state."""
    model = apps.get_model
    screened = a_screened_patient(apps)
    practice, clinician = screened.practice, screened.clinician
    patient, screening = screened.patient, screened.screening
    protocol = model("protocols", "Protocol").objects.get(code="mesolift")
    formulation = protocol.formulation
    course = model("clinical_sessions", "Course").objects.create(
        patient=patient,
        protocol=protocol,
        clinician=clinician,
        screening=screening,
        initial_interval_days=7,
        created_by=clinician,
    )
    start = timezone.now() - timedelta(days=1)
    appointment = model("clinical_sessions", "Appointment").objects.create(
        practice=practice,
        patient=patient,
        clinician=clinician,
        course=course,
        kind="course",
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        status="completed",
        sequence=1,
    )
    lot = model("clinical_sessions", "ProductLot").objects.create(
        practice=practice,
        formulation=formulation,
        lot_number="ML-1",
        expires_on=date.today() + timedelta(days=300),
        created_by=clinician,
    )
    check = model("clinical_sessions", "PreSessionCheck").objects.create(
        practice=practice,
        appointment=appointment,
        patient=patient,
        outcome="eligible",
        rule_set_version="test",
        created_by=clinician,
    )
    record = model("clinical_sessions", "SessionRecord").objects.create(
        practice=practice,
        appointment=appointment,
        patient=patient,
        course=course,
        formulation=formulation,
        pre_check=check,
        performed_at=start,
        performed_by=clinician,
        created_by=clinician,
    )
    model("clinical_sessions", "Pass").objects.create(
        session_record=record,
        position=1,
        technique="nappage",
        region="forehead",
        depth_mm=Decimal("0.5"),
        volume_ml=Decimal("0.5"),
        lot=lot,
    )
    event = model("clinical_sessions", "AdverseEvent").objects.create(
        practice=practice,
        session_record=record,
        patient=patient,
        type="erythema",
        severity="mild",
        onset_at=start + timedelta(hours=1),
        outcome="recovering",
        recorded_by=clinician,
    )
    model("clinical_sessions", "AdverseEventLot").objects.create(event=event, lot=lot)
    survey = model("clinical_sessions", "Survey").objects.create(
        course=course, rating="satisfied", source="practice", entered_by=clinician
    )
    content_type = model("contenttypes", "ContentType").objects.create(
        app_label="clinical_sessions", model="course"
    )
    permission = model("auth", "Permission").objects.create(
        name="Can view course", codename="view_course", content_type=content_type
    )
    return {
        "course": course.pk,
        "appointment": appointment.pk,
        "record": record.pk,
        "lot": lot.pk,
        "event": event.pk,
        "survey": survey.pk,
        "clinician": clinician.pk,
        "patient": patient.pk,
        "practice": practice.pk,
        "content_type": content_type.pk,
        "permission": permission.pk,
        "start": start,
    }


def refuses(statement, params) -> bool:
    """Whether the database refuses the statement (an append-only trigger, a constraint)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError:
        return True
    return False


def test_a_database_migrated_before_the_app_split_keeps_every_row_and_guard(migrator):
    before = migrator.apply_initial_migration(BEFORE)
    ids = write_before_the_move(before.apps)

    after = migrator.apply_tested_migration(AFTER)
    model = after.apps.get_model
    course = model("scheduling", "Course").objects.get(pk=ids["course"])
    appointment = model("scheduling", "Appointment").objects.get(pk=ids["appointment"])
    assert appointment.course_id == course.pk and course.patient_id == ids["patient"]
    record = model("clinical_sessions", "SessionRecord").objects.get(pk=ids["record"])
    assert (record.appointment_id, record.course_id) == (appointment.pk, course.pk)
    assert [
        p.lot_id for p in model("clinical_sessions", "Pass").objects.filter(session_record=record)
    ] == [ids["lot"]]
    assert model("lots", "ProductLot").objects.get(pk=ids["lot"]).lot_number == "ML-1"
    event = model("clinical_sessions", "AdverseEvent").objects.get(pk=ids["event"])
    assert list(event.lots.values_list("pk", flat=True)) == [ids["lot"]]
    assert model("outcomes", "Survey").objects.get(pk=ids["survey"]).course_id == course.pk

    # The records are still append-only, under their new table names too.
    assert refuses(
        "UPDATE clinical_sessions_sessionrecord SET notes = 'x' WHERE id = %s",
        [ids["record"].hex if connection.vendor == "sqlite" else ids["record"]],
    )
    assert refuses(
        "UPDATE outcomes_survey SET rating = 'very_satisfied' WHERE id = %s",
        [ids["survey"].hex if connection.vendor == "sqlite" else ids["survey"]],
    )
    assert refuses("UPDATE clinical_sessions_pass SET volume_ml = 9", [])
    # A lot is not a clinical record: the registry may still mark it (no guard moved onto it).
    assert not refuses("UPDATE lots_productlot SET lot_number = lot_number", [])

    # Same content type row, new app label: its permission follows it.
    content_type = model("contenttypes", "ContentType").objects.get(pk=ids["content_type"])
    assert (content_type.app_label, content_type.model) == ("scheduling", "course")
    assert model("auth", "Permission").objects.get(pk=ids["permission"]).content_type_id == (
        content_type.pk
    )

    if connection.vendor == "postgresql":
        # The exclusion constraint came along with its table: no double booking.
        Appointment = model("scheduling", "Appointment")
        with pytest.raises(DatabaseError), transaction.atomic():
            Appointment.objects.create(
                id=uuid.uuid4(),
                practice_id=ids["practice"],
                patient_id=ids["patient"],
                clinician_id=ids["clinician"],
                kind="consultation",
                starts_at=ids["start"] + timedelta(minutes=10),
                ends_at=ids["start"] + timedelta(minutes=40),
            )


def test_the_move_migrates_back_with_every_row_and_guard(migrator):
    before = migrator.apply_initial_migration(BEFORE)
    ids = write_before_the_move(before.apps)
    migrator.apply_tested_migration(AFTER)

    back = migrator.apply_tested_migration(BEFORE)
    model = back.apps.get_model
    assert model("clinical_sessions", "Course").objects.filter(pk=ids["course"]).exists()
    assert model("clinical_sessions", "Survey").objects.get(pk=ids["survey"]).rating == "satisfied"
    assert model("clinical_sessions", "ProductLot").objects.get(pk=ids["lot"]).lot_number == "ML-1"
    content_type = model("contenttypes", "ContentType").objects.get(pk=ids["content_type"])
    assert content_type.app_label == "clinical_sessions"
    survey = ids["survey"].hex if connection.vendor == "sqlite" else ids["survey"]
    assert refuses(
        "UPDATE clinical_sessions_survey SET rating = 'very_satisfied' WHERE id = %s", [survey]
    )


def test_a_content_type_made_early_under_the_new_label_gives_way_to_the_old_one(migrator):
    """post_migrate may have created `scheduling | course` before the move ran (a database
    migrated in parts): the old row, which the permissions point at, keeps its id."""
    before = migrator.apply_initial_migration(BEFORE)
    ids = write_before_the_move(before.apps)
    early = before.apps.get_model("contenttypes", "ContentType").objects.create(
        app_label="scheduling", model="course"
    )

    after = migrator.apply_tested_migration(AFTER)
    ContentType = after.apps.get_model("contenttypes", "ContentType")
    kept = ContentType.objects.get(app_label="scheduling", model="course")
    assert kept.pk == ids["content_type"] != early.pk
    assert (
        after.apps.get_model("auth", "Permission").objects.get(pk=ids["permission"]).content_type_id
        == kept.pk
    )
