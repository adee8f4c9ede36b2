"""Phone numbers moved to telephony and API keys to api without moving a row: an install
migrated before the move keeps its numbers, keys and their history (docs/decisions.md)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("deployments", "0005_numbers_weights_trigger"),
    ("telephony", None),
    ("api", None),
]


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_the_new_apps_rows_after_it(cast):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state([BEFORE_THE_MOVE[0]]).apps
    workspace_id = cast.workspace.pk
    old.get_model("deployments", "PhoneNumber").objects.create(
        workspace_id=workspace_id, number="+442079460999", label="Before the move"
    )
    user = old.get_model("auth", "User").objects.create(username="apikey:demo:old:abcd1234")
    old.get_model("deployments", "ApiKey").objects.create(
        workspace_id=workspace_id, name="old", prefix="abcd1234", key_hash="x" * 64, user=user
    )

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    from api.models import ApiKey
    from telephony.models import PhoneNumber

    assert PhoneNumber.objects.get(number="+442079460999").label == "Before the move"
    assert ApiKey.objects.get(prefix="abcd1234").name == "old"
