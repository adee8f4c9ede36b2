"""No caller gets a stale answer once a change has returned, with the local-memory cache and
with Redis (the production setting, shared by several app servers)."""

import json

import pytest
from django.core.cache import cache

from agentbuilder.services import draft_save
from api.services import api_key_create
from deployments.services import (
    deployment_promote,
    deployment_publish,
    deployment_rollback,
    deployment_undeploy,
)
from telephony import routing
from telephony.services import number_assign, number_create, number_release

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = "+442079460958"
REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "numbers-tests",
    }
}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(params=["locmem", "redis"])
def caches(request, settings):
    settings.CACHES = LOCMEM if request.param == "locmem" else REDIS
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def world(cast, caches):
    agent = cast.agent("Bella")
    first, _ = deployment_publish(actor=cast.builder, agent=agent, message="v1")
    live = deployment_promote(
        actor=cast.ops, deployment=first, target_environment="live", confirmed=True
    )
    phone_number = number_create(actor=cast.admin, workspace=cast.workspace, number=NUMBER)
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "live"}]
    )
    key = api_key_create(actor=None, workspace=cast.workspace, name="telephony")[1]
    return agent, phone_number, live, key


def route(client, key):
    response = client.post(
        "/v1/calls/route",
        data=json.dumps({"to": NUMBER, "from": "+15550001111", "callId": "c"}),
        content_type="application/json",
        headers={"x-api-key": key},
    )
    return response


def _edit_draft(cast, agent, message):
    agent.refresh_from_db()
    document = {
        **agent.draft_document,
        "behaviour": {**agent.draft_document["behaviour"], "welcomeMessage": message},
    }
    draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


def _publish_v2(cast, agent):
    _edit_draft(cast, agent, "Hello from V2")
    return deployment_publish(actor=cast.builder, agent=agent, message="v2")[0]


def test_a_promotion_reaches_the_number_at_once(client, cast, world):
    agent, _, _, key = world
    assert route(client, key).json()["version"]["number"] == 1  # warm the cache
    second = _publish_v2(cast, agent)
    deployment_promote(actor=cast.ops, deployment=second, target_environment="live", confirmed=True)
    body = route(client, key).json()
    assert body["version"]["number"] == 2
    assert body["config"]["behaviour"]["welcomeMessage"] == "Hello from V2"


def test_a_rollback_reaches_the_number_at_once(client, cast, world):
    agent, _, _, key = world
    second = _publish_v2(cast, agent)
    live_v2 = deployment_promote(
        actor=cast.ops, deployment=second, target_environment="live", confirmed=True
    )
    assert route(client, key).json()["version"]["number"] == 2
    deployment_rollback(actor=cast.ops, deployment=live_v2)
    assert route(client, key).json()["version"]["number"] == 1


def test_an_undeploy_reaches_the_number_at_once(client, cast, world):
    agent, _, _, key = world
    assert route(client, key).status_code == 200
    deployment_undeploy(actor=cast.ops, agent=agent, environment="live")
    response = route(client, key)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_deployed"


def test_a_publish_reaches_a_number_following_sandbox(client, cast, world):
    agent, phone_number, _, key = world
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "sandbox"}]
    )
    assert route(client, key).json()["version"]["number"] == 1
    _publish_v2(cast, agent)
    assert route(client, key).json()["version"]["number"] == 2


def test_a_draft_save_reaches_a_number_on_the_draft(client, cast, world):
    agent, phone_number, _, key = world
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "draft"}]
    )
    assert route(client, key).json()["version"] is None
    _edit_draft(cast, agent, "Fresh draft")
    assert route(client, key).json()["config"]["behaviour"]["welcomeMessage"] == "Fresh draft"


def test_assignment_changes_and_release_reach_the_number_at_once(client, cast, world):
    agent, phone_number, _, key = world
    assert route(client, key).json()["variant"] == "Default"
    number_assign(
        actor=cast.admin,
        phone_number=phone_number,
        agent=agent,
        variants=[{"label": "Only", "target": "v1"}],
        sip_headers={"X-Trunk": "b"},
    )
    body = route(client, key).json()
    assert (body["variant"], body["environment"], body["sipHeaders"]) == (
        "Only",
        None,
        {"X-Trunk": "b"},
    )
    number_release(actor=cast.admin, phone_number=phone_number)
    assert route(client, key).status_code == 404


def test_an_entry_built_from_rows_read_before_a_change_committed_is_never_served(
    client, cast, world
):
    """The race the generations exist for: a request reads the old pointer, the promotion
    commits and invalidates, then the slow request stores its (old) entry."""
    agent, _, _, key = world
    cache.clear()
    generations = routing._generations([routing._number_generation_key(NUMBER)])
    old_entry = routing._resolve(NUMBER)  # reads V1 as Live
    second = _publish_v2(cast, agent)
    deployment_promote(actor=cast.ops, deployment=second, target_environment="live", confirmed=True)
    cache.set(routing._route_key(NUMBER), old_entry)  # the slow request finally stores it
    assert old_entry["generations"].items() >= generations.items()
    assert route(client, key).json()["version"]["number"] == 2


def test_an_evicted_generation_counter_never_validates_an_old_entry(client, cast, world):
    agent, _, _, key = world
    assert route(client, key).status_code == 200
    entry = cache.get(routing._route_key(NUMBER))
    for generation_key in entry["generations"]:
        cache.delete(generation_key)
    routing.invalidate_agent(agent.pk)
    assert cache.get_many(list(entry["generations"])) != entry["generations"]
