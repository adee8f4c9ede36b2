"""API keys and idempotency records move here from deployments.

The tables keep their names (db_table), so this changes Django's state only.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ['apikey', 'historicalapikey', 'idempotencyrecord']


def move_content_types(apps, schema_editor):
    """Existing installs: the content types (and so permissions and admin log entries) of
    the moved models follow them to their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="deployments", model__in=MOVED_MODELS).update(
        app_label="api"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('deployments', '0005_numbers_weights_trigger'),
        ('agentbuilder', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the tables stay where they are (db_table), so no row moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64)),
                        ('prefix', models.CharField(max_length=16, unique=True)),
                        ('key_hash', models.CharField(max_length=128)),
                        ('role', models.CharField(choices=[('builder', 'Builder'), ('ops', 'Ops'), ('admin', 'Admin')], default='builder', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='api_key', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='agentbuilder.workspace')),
                    ],
                    options={
                        'db_table': 'deployments_apikey',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalApiKey',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('name', models.CharField(max_length=64)),
                        ('prefix', models.CharField(db_index=True, max_length=16)),
                        ('role', models.CharField(choices=[('builder', 'Builder'), ('ops', 'Ops'), ('admin', 'Admin')], default='builder', max_length=16)),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agentbuilder.workspace')),
                    ],
                    options={
                        'verbose_name': 'historical api key',
                        'verbose_name_plural': 'historical api keys',
                        'db_table': 'deployments_historicalapikey',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='IdempotencyRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=255)),
                        ('request_hash', models.CharField(max_length=64)),
                        ('method', models.CharField(max_length=8)),
                        ('path', models.CharField(max_length=500)),
                        ('status', models.PositiveSmallIntegerField(default=0)),
                        ('response', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('api_key', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='api.apikey')),
                    ],
                    options={
                        'db_table': 'deployments_idempotencyrecord',
                    },
                ),
                migrations.AddConstraint(
                    model_name='apikey',
                    constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('workspace', 'name'), name='apikey_unique_active_name'),
                ),
                migrations.AddConstraint(
                    model_name='apikey',
                    constraint=models.CheckConstraint(condition=models.Q(('role__in', ['builder', 'ops', 'admin'])), name='apikey_role_valid'),
                ),
                migrations.AddConstraint(
                    model_name='idempotencyrecord',
                    constraint=models.UniqueConstraint(fields=('api_key', 'key'), name='idempotency_unique_key'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
