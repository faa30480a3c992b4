"""A surveyed course's `sessions_completed` follows its sessions in the database: a
trigger on the session record's insert recounts the course's sessions (those of its own
appointments) into the rollup row, in the same statement's transaction. It costs the
treatment room no query of its own, and no writer can forget it."""

from django.db import migrations

COUNT = """
  SELECT count(*) FROM clinical_sessions_sessionrecord s
  JOIN scheduling_appointment a ON a.id = s.appointment_id
  WHERE s.course_id = NEW.course_id AND a.course_id = NEW.course_id
"""
PG = f"""
CREATE OR REPLACE FUNCTION reports_count_course_sessions() RETURNS trigger AS $$
BEGIN
  UPDATE reports_surveyedcourse SET sessions_completed = LEAST(8, ({COUNT}))
  WHERE course_id = NEW.course_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_count_course_sessions AFTER INSERT ON clinical_sessions_sessionrecord
  FOR EACH ROW WHEN (NEW.course_id IS NOT NULL) EXECUTE FUNCTION reports_count_course_sessions();
"""
SQLITE = f"""
CREATE TRIGGER reports_count_course_sessions AFTER INSERT ON clinical_sessions_sessionrecord
  WHEN NEW.course_id IS NOT NULL
  BEGIN
    UPDATE reports_surveyedcourse SET sessions_completed = MIN(8, ({COUNT}))
    WHERE course_id = NEW.course_id;
  END;
"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE)


def remove(apps, schema_editor):
    on = " ON clinical_sessions_sessionrecord" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_count_course_sessions{on}")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_report_builds_and_rollup"),
        ("clinical_sessions", "0009_pass_lot_index_once"),
    ]

    operations = [migrations.RunPython(install, remove)]
