"""The appointment change log, kept by the database (scheduling.models.AppointmentChange).

Triggers on `scheduling_appointment` write one change row for every insert, every update
of a field a client can see, and every delete, in the transaction of the write; and they
raise the appointment's `version` by one with each such update (an update that changes
nothing a client sees leaves `version` and `updated_at` as they were). So no write path (a
service, the admin, a queryset update, raw SQL) can change an appointment unseen by the
changes feed, the calendar feeds and the webhooks, and the version cannot be set back
from Python (`Appointment.save` does not write it either).

Use in a migration: `operations = [change_log_triggers()]`.
"""

from django.db import migrations

TABLE = "scheduling_appointment"
LOG = "scheduling_appointmentchange"

# The columns of the API representation: a change of any of them is a change to clients.
# (updated_at, version and reminder_sent_at are bookkeeping.)
WATCHED = (
    "patient_id",
    "clinician_id",
    "course_id",
    "kind",
    "sequence",
    "starts_at",
    "ends_at",
    "status",
    "arrived_at",
    "cancellation_reason",
    "cancellation_note",
)


def _row(prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}.{column}" for column in WATCHED) + ")"


PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION scheduling_appointment_version() RETURNS trigger AS $$
BEGIN
  IF {_row("OLD")} IS DISTINCT FROM {_row("NEW")} THEN
    NEW.version := OLD.version + 1;
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
      NEW.updated_at := now();
    END IF;
  ELSE  -- nothing a client sees changed: neither does the version or updated_at
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION scheduling_appointment_change() RETURNS trigger AS $$
DECLARE
  operation text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO {LOG} (practice_id, appointment_id, xid, operation, version, at)
    VALUES (OLD.practice_id, OLD.id, pg_current_xact_id()::text::bigint, 'deleted',
            OLD.version + 1, now());
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    operation := 'created';
  ELSIF NEW.version = OLD.version THEN
    RETURN NEW;
  ELSIF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
    operation := 'cancelled';
  ELSE
    operation := 'updated';
  END IF;
  INSERT INTO {LOG} (practice_id, appointment_id, xid, operation, version, at)
  VALUES (NEW.practice_id, NEW.id, pg_current_xact_id()::text::bigint, operation,
          NEW.version, now());
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

PG_TRIGGERS = (
    f"CREATE TRIGGER appointment_version BEFORE UPDATE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION scheduling_appointment_version();",
    f"CREATE TRIGGER appointment_change AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION scheduling_appointment_change();",
)

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER appointment_change_insert AFTER INSERT ON {TABLE} BEGIN
  INSERT INTO {LOG} (practice_id, appointment_id, xid, operation, version, at)
  VALUES (NEW.practice_id, NEW.id, 0, 'created', NEW.version, {SQLITE_NOW});
END;""",
    # SQLite cannot assign NEW in a BEFORE trigger: the version is raised by an UPDATE
    # of the version alone, which changes no watched column and so fires nothing more.
    f"""CREATE TRIGGER appointment_change_update AFTER UPDATE ON {TABLE}
WHEN {_row("OLD")} IS NOT {_row("NEW")} BEGIN
  UPDATE {TABLE} SET version = OLD.version + 1,
    updated_at = CASE WHEN NEW.updated_at IS OLD.updated_at THEN {SQLITE_NOW}
                      ELSE NEW.updated_at END
  WHERE id = NEW.id;
  INSERT INTO {LOG} (practice_id, appointment_id, xid, operation, version, at)
  VALUES (NEW.practice_id, NEW.id, 0,
          CASE WHEN NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN 'cancelled'
               ELSE 'updated' END,
          OLD.version + 1, {SQLITE_NOW});
END;""",
    # Nothing a client sees changed (and the version was not just raised): updated_at
    # stays what it was, as on PostgreSQL.
    f"""CREATE TRIGGER appointment_change_none AFTER UPDATE ON {TABLE}
WHEN {_row("OLD")} IS {_row("NEW")} AND NEW.version IS OLD.version
  AND NEW.updated_at IS NOT OLD.updated_at BEGIN
  UPDATE {TABLE} SET updated_at = OLD.updated_at WHERE id = NEW.id;
END;""",
    f"""CREATE TRIGGER appointment_change_delete AFTER DELETE ON {TABLE} BEGIN
  INSERT INTO {LOG} (practice_id, appointment_id, xid, operation, version, at)
  VALUES (OLD.practice_id, OLD.id, 0, 'deleted', OLD.version + 1, {SQLITE_NOW});
END;""",
)


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTIONS, params=None)  # its % are PL/pgSQL
        for sql in PG_TRIGGERS:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql, params=None)


def remove(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in ("appointment_version", "appointment_change"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE};")
        schema_editor.execute("DROP FUNCTION IF EXISTS scheduling_appointment_version();")
        schema_editor.execute("DROP FUNCTION IF EXISTS scheduling_appointment_change();")
    elif vendor == "sqlite":
        for name in ("insert", "update", "none", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS appointment_change_{name};")


def change_log_triggers() -> migrations.RunPython:
    return migrations.RunPython(
        lambda apps, schema_editor: install(schema_editor),
        lambda apps, schema_editor: remove(schema_editor),
    )
