"""The appointment change log: a row per change, written by triggers in the change's own
transaction (scheduling.change_triggers), and the version they raise; the changes feed
(scheduling.sync) reads it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from scheduling.change_triggers import change_log_triggers


class Migration(migrations.Migration):

    dependencies = [
        ('mesoplan', '0004_a_practice_keeps_an_active_manager'),
        ('patients', '0008_screening_carried_findings'),
        ('scheduling', '0007_appointment_at_most_12_hours'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AppointmentChange',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('appointment_id', models.UUIDField()),
                ('xid', models.BigIntegerField()),
                ('operation', models.CharField(choices=[('created', 'Created'), ('updated', 'Updated'), ('cancelled', 'Cancelled'), ('deleted', 'Deleted')], max_length=16)),
                ('version', models.PositiveIntegerField()),
                ('at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='ChangeHorizon',
            fields=[
                ('practice', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='mesoplan.practice')),
                ('xid', models.BigIntegerField()),
                ('change_id', models.BigIntegerField()),
                ('pruned_at', models.DateTimeField()),
            ],
        ),
        migrations.AddField(
            model_name='appointment',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddIndex(
            model_name='appointment',
            index=models.Index(fields=['practice', 'id'], name='appointment_sync_walk_idx'),
        ),
        migrations.AddField(
            model_name='appointmentchange',
            name='practice',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='mesoplan.practice'),
        ),
        migrations.AddIndex(
            model_name='appointmentchange',
            index=models.Index(fields=['practice', 'xid', 'id'], name='change_feed_idx'),
        ),
        migrations.AddIndex(
            model_name='appointmentchange',
            index=models.Index(fields=['appointment_id', 'xid', 'id'], name='change_newer_idx'),
        ),
        migrations.AddIndex(
            model_name='appointmentchange',
            index=models.Index(fields=['at'], name='change_retention_idx'),
        ),
        change_log_triggers(),
    ]
