"""The lot registry's models, moved from the sessions app (clinical_sessions 0006 renamed
their tables in place): state only, nothing is created in the database."""

import django.db.models.deletion
import django.db.models.functions.text
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clinical_sessions', '0006_rename_tables_of_moved_models'),
        ('mesoplan', '0002_audit_trail_and_date_format'),
        ('protocols', '0005_load_plausible_pass_ranges'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Equipment',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('kind', models.CharField(choices=[('device', 'Injection device'), ('needle', 'Needle')], max_length=8)),
                        ('name', models.CharField(max_length=120)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mesoplan.practice')),
                    ],
                    options={
                        'verbose_name_plural': 'equipment',
                        'ordering': ['kind', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('practice', 'kind', 'name'), name='equipment_name_once')],
                    },
                ),
                migrations.CreateModel(
                    name='ProductLot',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('lot_number', models.CharField(max_length=64)),
                        ('expires_on', models.DateField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('formulation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='protocols.formulation')),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mesoplan.practice')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['practice', 'expires_on'], name='lot_expiry_idx')],
                        'constraints': [models.UniqueConstraint(models.F('practice'), django.db.models.functions.text.Lower('lot_number'), name='lot_number_unique_in_practice'), models.CheckConstraint(condition=models.Q(('lot_number', ''), _negated=True), name='lot_number_not_blank')],
                    },
                ),
            ],
        ),
    ]
