"""Phone numbers, assignments, variants and call records move here from deployments.

The tables keep their names (db_table), so this changes Django's state only; the weights
trigger of deployments/0005 keeps working on the same tables.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ['phonenumber', 'historicalphonenumber', 'numberassignment', 'historicalnumberassignment', 'assignmentvariant', 'callrecord']


def move_content_types(apps, schema_editor):
    """Existing installs: the content types (and so permissions and admin log entries) of
    the moved models follow them to their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="deployments", model__in=MOVED_MODELS).update(
        app_label="telephony"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('deployments', '0005_numbers_weights_trigger'),
        ('agentbuilder', '0001_initial'),
        ('versions', '0002_immutable_versions_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the tables stay where they are (db_table), so no row moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalPhoneNumber',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('number', models.CharField(db_index=True, max_length=16)),
                        ('label', models.CharField(blank=True, max_length=120)),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agentbuilder.workspace')),
                    ],
                    options={
                        'verbose_name': 'historical phone number',
                        'verbose_name_plural': 'historical phone numbers',
                        'db_table': 'deployments_historicalphonenumber',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='PhoneNumber',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=16, unique=True)),
                        ('label', models.CharField(blank=True, max_length=120)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='phone_numbers', to='agentbuilder.workspace')),
                    ],
                    options={
                        'db_table': 'deployments_phonenumber',
                        'ordering': ['number'],
                    },
                ),
                migrations.CreateModel(
                    name='NumberAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sip_headers', models.JSONField(blank=True, default=list)),
                        ('summary', models.CharField(blank=True, max_length=500)),
                        ('split_revision', models.PositiveIntegerField(default=1)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('agent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='number_assignments', to='agentbuilder.agent')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('phone_number', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='assignment', to='telephony.phonenumber')),
                    ],
                    options={
                        'db_table': 'deployments_numberassignment',
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalNumberAssignment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('sip_headers', models.JSONField(blank=True, default=list)),
                        ('summary', models.CharField(blank=True, max_length=500)),
                        ('split_revision', models.PositiveIntegerField(default=1)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('agent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agentbuilder.agent')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('phone_number', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='telephony.phonenumber')),
                    ],
                    options={
                        'verbose_name': 'historical number assignment',
                        'verbose_name_plural': 'historical number assignments',
                        'db_table': 'deployments_historicalnumberassignment',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='CallRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('call_id', models.CharField(max_length=128)),
                        ('number', models.CharField(max_length=16)),
                        ('variant', models.CharField(max_length=64)),
                        ('environment', models.CharField(blank=True, choices=[('sandbox', 'Sandbox'), ('pre-release', 'Pre-release'), ('live', 'Live')], max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('agent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agentbuilder.agent')),
                        ('version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='versions.version')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agentbuilder.workspace')),
                    ],
                    options={
                        'db_table': 'deployments_callrecord',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['version', '-created_at'], name='callrecord_by_version'), models.Index(fields=['workspace', '-created_at'], name='callrecord_by_workspace'), models.Index(fields=['call_id'], name='callrecord_call_id')],
                    },
                ),
                migrations.CreateModel(
                    name='AssignmentVariant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField()),
                        ('label', models.CharField(max_length=64)),
                        ('target_kind', models.CharField(choices=[('environment', 'Environment'), ('version', 'Pinned version'), ('draft', 'Draft')], max_length=16)),
                        ('environment', models.CharField(blank=True, choices=[('sandbox', 'Sandbox'), ('pre-release', 'Pre-release'), ('live', 'Live')], max_length=16)),
                        ('weight', models.PositiveSmallIntegerField()),
                        ('version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='versions.version')),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='variants', to='telephony.numberassignment')),
                    ],
                    options={
                        'db_table': 'deployments_assignmentvariant',
                        'ordering': ['position'],
                        'constraints': [models.UniqueConstraint(fields=('assignment', 'position'), name='variant_unique_position'), models.UniqueConstraint(fields=('assignment', 'label'), name='variant_unique_label'), models.CheckConstraint(condition=models.Q(('target_kind__in', ['environment', 'version', 'draft'])), name='variant_kind_valid'), models.CheckConstraint(condition=models.Q(('weight__gte', 1), ('weight__lte', 100)), name='variant_weight_1_100'), models.CheckConstraint(condition=models.Q(models.Q(('environment__in', ['sandbox', 'pre-release', 'live']), ('target_kind', 'environment'), ('version__isnull', True)), models.Q(('environment', ''), ('target_kind', 'version'), ('version__isnull', False)), models.Q(('environment', ''), ('target_kind', 'draft'), ('version__isnull', True)), _connector='OR'), name='variant_target_consistent')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='phonenumber',
                    constraint=models.CheckConstraint(condition=models.Q(('number__regex', '^\\+[1-9][0-9]{7,14}$')), name='phonenumber_e164'),
                ),
                migrations.AddConstraint(
                    model_name='numberassignment',
                    constraint=models.CheckConstraint(condition=models.Q(('split_revision__gte', 1)), name='assignment_split_revision_positive'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
