"""The database refuses UPDATE (and on PostgreSQL DELETE) of the clinical records of a
session: checks, records, amendments, passes, adverse events with their lots and
follow-ups, measures, photos and surveys. Lots, equipment and survey links are not
clinical records (a survey link is marked used)."""

from django.db import migrations

from mesoplan.append_only import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("clinical_sessions", "0004_lots_records_events_outcomes_surveys")]
    operations = [
        append_only_guard(
            "clinical_sessions_presessioncheck",
            "clinical_sessions_sessionrecord",
            "clinical_sessions_sessionamendment",
            "clinical_sessions_pass",
            "clinical_sessions_adverseevent",
            "clinical_sessions_adverseeventlot",
            "clinical_sessions_adverseeventfollowup",
            "clinical_sessions_outcomemeasure",
            "clinical_sessions_photo",
            "clinical_sessions_survey",
        )
    ]
