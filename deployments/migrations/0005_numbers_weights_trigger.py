"""The weights of an assignment's variants sum to 100, checked by the database at commit.

The service refuses a bad split with a readable message first; this deferred constraint
trigger is the guarantee for every other writer. It is deferred because replacing a split
deletes and inserts rows one by one: only the state at commit has to be whole.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION deployments_variant_weights_sum_100() RETURNS trigger AS $$
DECLARE
    target_id bigint;
    total integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        target_id := OLD.assignment_id;
    ELSE
        target_id := NEW.assignment_id;
    END IF;
    -- A deleted assignment (a released number) has no split left to check.
    IF NOT EXISTS (SELECT 1 FROM deployments_numberassignment WHERE id = target_id) THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(SUM(weight), 0) INTO total
      FROM deployments_assignmentvariant WHERE assignment_id = target_id;
    IF total <> 100 THEN
        RAISE EXCEPTION 'The weights of assignment % sum to %, not 100.', target_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER deployments_variant_weights_sum_100
    AFTER INSERT OR UPDATE OR DELETE ON deployments_assignmentvariant
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION deployments_variant_weights_sum_100();
"""

DROP = """
DROP TRIGGER IF EXISTS deployments_variant_weights_sum_100 ON deployments_assignmentvariant;
DROP FUNCTION IF EXISTS deployments_variant_weights_sum_100();
"""


def create_trigger(apps, schema_editor):
    # PostgreSQL only: SQLite (local development) has no deferred triggers; there the
    # service's check is the only one.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("deployments", "0004_numbers_models")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
