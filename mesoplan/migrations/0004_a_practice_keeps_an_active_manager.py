"""PostgreSQL: a practice that has an active practice manager keeps one. Two managers
demoting or deactivating each other at once each saw the other still active and both
committed; the trigger takes the practice's row lock before it counts, so the second
change sees the first and is refused. (SQLite writes one transaction at a time; the
staff services check the same under the same lock.)"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION mesoplan_keep_a_manager() RETURNS trigger AS $$
BEGIN
  IF OLD.role = 'practice_manager' AND OLD.is_active AND OLD.practice_id IS NOT NULL
     AND NOT (NEW.role = 'practice_manager' AND NEW.is_active
              AND NEW.practice_id IS NOT DISTINCT FROM OLD.practice_id) THEN
    PERFORM 1 FROM mesoplan_practice WHERE id = OLD.practice_id FOR UPDATE;
    IF NOT EXISTS (
      SELECT 1 FROM mesoplan_user
      WHERE practice_id = OLD.practice_id AND role = 'practice_manager' AND is_active
        AND id <> OLD.id
    ) THEN
      RAISE EXCEPTION 'a practice keeps at least one active practice manager'
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER mesoplan_user_keep_a_manager AFTER UPDATE OF role, is_active, practice_id
ON mesoplan_user FOR EACH ROW EXECUTE FUNCTION mesoplan_keep_a_manager();
"""
DROP = """
DROP TRIGGER IF EXISTS mesoplan_user_keep_a_manager ON mesoplan_user;
DROP FUNCTION IF EXISTS mesoplan_keep_a_manager();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("mesoplan", "0003_username_unique_ignoring_case")]
    operations = [migrations.RunPython(forward, backward)]
