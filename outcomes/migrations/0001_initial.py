"""Outcomes' models, moved from the sessions app (clinical_sessions 0006 renamed their
tables in place, their append-only triggers with them): state only, nothing is created
in the database."""

import django.db.models.deletion
import mesoplan.storage
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('scheduling', '0001_initial'),
        ('clinical_sessions', '0006_rename_tables_of_moved_models'),
        ('mesoplan', '0002_audit_trail_and_date_format'),
        ('patients', '0007_photography_consent_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('rating', models.CharField(choices=[('less_satisfied', 'Less satisfied'), ('satisfied', 'Satisfied'), ('very_satisfied', 'Very satisfied')], max_length=16)),
                        ('comment', models.TextField(blank=True)),
                        ('source', models.CharField(choices=[('clinician', 'Entered by the practice'), ('patient_link', 'Answered by the patient')], max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyLink',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('expires_at', models.DateTimeField()),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='OutcomeMeasure',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('gais', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1 · Exceptional improvement'), (2, '2 · Very improved'), (3, '3 · Improved'), (4, '4 · No change'), (5, '5 · Worse')], null=True)),
                        ('hair_density_per_cm2', models.PositiveIntegerField(blank=True, null=True)),
                        ('patient_rating', models.PositiveSmallIntegerField(blank=True, help_text="The patient's own rating, 0 (worst) to 10 (best).", null=True)),
                        ('recorded_at', models.DateTimeField(auto_now_add=True)),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session_record', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='measures', to='clinical_sessions.sessionrecord')),
                    ],
                    options={
                        'ordering': ['session_record', 'recorded_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Photo',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('phase', models.CharField(choices=[('before', 'Before'), ('after', 'After')], max_length=8)),
                        ('region', models.CharField(blank=True, choices=[('forehead', 'Forehead'), ('glabella', 'Glabella'), ('periorbital_left', 'Periorbital, left'), ('periorbital_right', 'Periorbital, right'), ('cheek_left', 'Cheek, left'), ('cheek_right', 'Cheek, right'), ('nasolabial_left', 'Nasolabial fold, left'), ('nasolabial_right', 'Nasolabial fold, right'), ('perioral', 'Perioral'), ('chin', 'Chin'), ('jawline_left', 'Jawline, left'), ('jawline_right', 'Jawline, right'), ('neck', 'Neck'), ('decollete', 'Décolleté'), ('hand_left', 'Hand, left'), ('hand_right', 'Hand, right'), ('scalp_frontal', 'Scalp, frontal'), ('scalp_vertex', 'Scalp, vertex'), ('scalp_temporal_left', 'Scalp, temporal left'), ('scalp_temporal_right', 'Scalp, temporal right'), ('scalp_occipital', 'Scalp, occipital')], max_length=32)),
                        ('image', models.FileField(max_length=200, storage=mesoplan.storage.photo_storage, upload_to='')),
                        ('content_type', models.CharField(max_length=32)),
                        ('width', models.PositiveIntegerField()),
                        ('height', models.PositiveIntegerField()),
                        ('byte_size', models.PositiveIntegerField()),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='patients.patient')),
                        ('practice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='mesoplan.practice')),
                        ('session_record', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='clinical_sessions.sessionrecord')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['session_record', 'phase', 'uploaded_at'],
                    },
                ),
                migrations.AddField(
                    model_name='survey',
                    name='course',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='survey', to='scheduling.course'),
                ),
                migrations.AddField(
                    model_name='survey',
                    name='entered_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='surveylink',
                    name='course',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='survey_links', to='scheduling.course'),
                ),
                migrations.AddField(
                    model_name='surveylink',
                    name='created_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddConstraint(
                    model_name='outcomemeasure',
                    constraint=models.CheckConstraint(condition=models.Q(('gais__isnull', False), ('hair_density_per_cm2__isnull', False), ('patient_rating__isnull', False), _connector='OR'), name='measure_has_a_value'),
                ),
                migrations.AddConstraint(
                    model_name='outcomemeasure',
                    constraint=models.CheckConstraint(condition=models.Q(('gais__isnull', True), ('gais__range', (1, 5)), _connector='OR'), name='measure_gais_range'),
                ),
                migrations.AddConstraint(
                    model_name='outcomemeasure',
                    constraint=models.CheckConstraint(condition=models.Q(('hair_density_per_cm2__isnull', True), ('hair_density_per_cm2__range', (1, 1000)), _connector='OR'), name='measure_density_range'),
                ),
                migrations.AddConstraint(
                    model_name='outcomemeasure',
                    constraint=models.CheckConstraint(condition=models.Q(('patient_rating__isnull', True), ('patient_rating__range', (0, 10)), _connector='OR'), name='measure_rating_range'),
                ),
            ],
        ),
    ]
