"""Fills each lot's session count (0005) from the passes already recorded: the
session records with a pass from the lot in any version. From here on the recording
service keeps it. Back: nothing to undo (0005 going back drops the column). The passes'
table is the treatment room's; lots 0001 already comes after it (clinical_sessions 0006)."""

from django.db import migrations

FILL = """
UPDATE lots_productlot SET session_count = (
    SELECT count(DISTINCT p.session_record_id) FROM clinical_sessions_pass p
    WHERE p.lot_id = lots_productlot.id
)
"""


class Migration(migrations.Migration):
    dependencies = [("lots", "0005_lot_session_count")]

    operations = [migrations.RunSQL(FILL, migrations.RunSQL.noop)]
