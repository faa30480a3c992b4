"""A pass's lot had two identical indexes: the foreign key's own and `pass_lot_idx`.
Every pass written kept both; the foreign key's serves the recall alone."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('clinical_sessions', '0008_session_record_keeps_its_planned_time'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='pass',
            name='pass_lot_idx',
        ),
    ]
