"""Published versions are immutable: the database rejects UPDATE and DELETE of their rows.

The model refuses as well (Version.save / delete); the trigger covers every other writer
(raw SQL, queryset.update(), a bug). Deployment records get the same protection in
deployments/0002. TRUNCATE, which test database flushing uses, is not affected.
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION console_reject_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% rows are immutable: %% is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    table = "versions_version"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION console_reject_change();"
        )
    elif schema_editor.connection.vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: {op} is not allowed'); END;"
            )


def drop_triggers(apps, schema_editor):
    table = "versions_version"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};")
    elif schema_editor.connection.vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};")


class Migration(migrations.Migration):
    dependencies = [("versions", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
