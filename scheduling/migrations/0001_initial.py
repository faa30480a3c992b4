"""The calendar's models, moved from the sessions app (clinical_sessions 0006 renamed
their tables in place): state only, nothing is created in the database.

The exclusion constraint against double booking is not in this state: it is raw SQL of
clinical_sessions 0002 (PostgreSQL only), and it stayed on the table through the rename."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clinical_sessions', '0006_rename_tables_of_moved_models'),
        ('mesoplan', '0002_audit_trail_and_date_format'),
        ('patients', '0007_photography_consent_append_only'),
        ('protocols', '0005_load_plausible_pass_ranges'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Course',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('initial_interval_days', models.PositiveSmallIntegerField()),
                        ('targets', models.JSONField(blank=True, default=list)),
                        ('combinations', models.JSONField(blank=True, default=list)),
                        ('operation_date', models.DateField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('active', 'Active'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], default='active', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='courses', to=settings.AUTH_USER_MODEL)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='courses', to='patients.patient')),
                        ('protocol', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='protocols.protocol')),
                        ('screening', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='courses', to='patients.screening')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Absence',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('starts_on', models.DateField()),
                        ('ends_on', models.DateField()),
                        ('reason', models.CharField(blank=True, max_length=200)),
                        ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='absences', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['starts_on'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('starts_on__lte', models.F('ends_on'))), name='absence_ordered')],
                    },
                ),
                migrations.CreateModel(
                    name='Closure',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('day', models.DateField()),
                        ('reason', models.CharField(blank=True, max_length=200)),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='closures', to='mesoplan.practice')),
                    ],
                    options={
                        'ordering': ['day'],
                        'constraints': [models.UniqueConstraint(fields=('practice', 'day'), name='closure_once_per_day')],
                    },
                ),
                migrations.CreateModel(
                    name='Appointment',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('kind', models.CharField(choices=[('course', 'Course session'), ('maintenance', 'Maintenance session'), ('consultation', 'Consultation')], max_length=16)),
                        ('sequence', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('starts_at', models.DateTimeField()),
                        ('ends_at', models.DateTimeField()),
                        ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('completed', 'Completed'), ('cancelled', 'Cancelled'), ('no_show', 'No-show')], default='scheduled', max_length=16)),
                        ('reminder_sent_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to=settings.AUTH_USER_MODEL)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='patients.patient')),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mesoplan.practice')),
                        ('course', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='scheduling.course')),
                    ],
                    options={
                        'ordering': ['starts_at', 'id'],
                        'indexes': [models.Index(fields=['clinician', 'starts_at'], name='appointment_clinician_idx'), models.Index(fields=['practice', 'starts_at', 'id'], name='appointment_calendar_idx'), models.Index(fields=['practice', 'updated_at'], name='appointment_changes_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='appointment_ends_after_start'), models.CheckConstraint(condition=models.Q(models.Q(('course__isnull', True), ('sequence__isnull', True)), models.Q(('course__isnull', False), ('sequence__gte', 1)), _connector='OR'), name='appointment_sequence_only_in_course'), models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('course', 'sequence'), name='appointment_one_per_course_sequence')],
                    },
                ),
                migrations.CreateModel(
                    name='KindLength',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('kind', models.CharField(choices=[('course', 'Course session'), ('maintenance', 'Maintenance session'), ('consultation', 'Consultation')], max_length=16)),
                        ('minutes', models.PositiveSmallIntegerField()),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kind_lengths', to='mesoplan.practice')),
                    ],
                    options={
                        'constraints': [models.UniqueConstraint(fields=('practice', 'kind'), name='kind_length_once'), models.CheckConstraint(condition=models.Q(('minutes__gte', 5)), name='kind_length_positive')],
                    },
                ),
                migrations.CreateModel(
                    name='OpeningHours',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')])),
                        ('opens', models.TimeField()),
                        ('closes', models.TimeField()),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opening_hours', to='mesoplan.practice')),
                    ],
                    options={
                        'verbose_name_plural': 'opening hours',
                        'ordering': ['weekday', 'opens'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('opens__lt', models.F('closes'))), name='opening_hours_ordered')],
                    },
                ),
                migrations.CreateModel(
                    name='RecallEntry',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('last_session_on', models.DateField()),
                        ('due_from', models.DateField()),
                        ('due_until', models.DateField()),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('course', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='recall', to='scheduling.course')),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient')),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='mesoplan.practice')),
                    ],
                    options={
                        'verbose_name_plural': 'recall entries',
                        'ordering': ['due_from', 'id'],
                        'indexes': [models.Index(fields=['practice', 'resolved_at', 'due_from'], name='recall_due_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('due_from__lte', models.F('due_until'))), name='recall_window_ordered')],
                    },
                ),
                migrations.CreateModel(
                    name='WorkingHours',
                    fields=[
                        ('id', models.BigAutoField(primary_key=True, serialize=False)),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')])),
                        ('starts', models.TimeField()),
                        ('ends', models.TimeField()),
                        ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='working_hours', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'working hours',
                        'ordering': ['weekday', 'starts'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('starts__lt', models.F('ends'))), name='working_hours_ordered')],
                    },
                ),
            ],
        ),
    ]
