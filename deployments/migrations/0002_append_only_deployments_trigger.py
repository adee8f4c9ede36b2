"""Deployment records are append-only: the database rejects UPDATE and DELETE of them.

Uses the console_reject_change() function created by versions/0002.
"""

from django.db import migrations


def create_triggers(apps, schema_editor):
    table = "deployments_deployment"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION console_reject_change();"
        )
    elif schema_editor.connection.vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: {op} is not allowed'); END;"
            )


def drop_triggers(apps, schema_editor):
    table = "deployments_deployment"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    elif schema_editor.connection.vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};")


class Migration(migrations.Migration):
    dependencies = [("deployments", "0001_initial"), ("versions", "0002_immutable_versions_trigger")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
