"""API key lookups cached in a shared cache (Redis): a warm call costs no query for its key,
and revocation still takes effect at once."""

import pytest
from django.core.cache import cache

from api import keys as api_key_cache
from api.models import ApiKey
from api.services import api_key_create, api_key_hash, api_key_revoke
from tests.telephony.test_routing import assign, route

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "apikey-cache-tests",
    }
}


@pytest.fixture(autouse=True)
def shared_cache(settings):
    settings.CACHES = REDIS
    settings.API_KEY_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def key(cast):
    _, raw_key = api_key_create(actor=None, workspace=cast.workspace, name="telephony")
    return raw_key


def agents(client, key):
    return client.get("/v1/agents", headers={"x-api-key": key})


def test_a_warm_call_does_not_look_the_key_up(client, cast, key, django_assert_num_queries):
    assert agents(client, key).status_code == 200
    with django_assert_num_queries(1) as captured:  # the agents list itself
        assert agents(client, key).status_code == 200
    assert "deployments_apikey" not in captured.captured_queries[0]["sql"]


def test_a_warm_routing_call_makes_one_query_the_call_record(
    client, cast, key, django_assert_num_queries
):
    agent = cast.agent("Bella")
    assign(cast, agent, [{"target": "draft"}])
    assert route(client, key, call_id="warm-up").status_code == 200
    with django_assert_num_queries(1) as captured:
        response = route(client, key, call_id="warm")
    assert response.status_code == 200
    assert response.json()["agentId"] == str(agent.pk)
    assert captured.captured_queries[0]["sql"].startswith('INSERT INTO "deployments_callrecord"')


def test_a_revoked_key_is_refused_at_once_although_it_was_cached(client, cast, key):
    assert agents(client, key).status_code == 200  # now cached
    api_key_revoke(actor=cast.admin, api_key=ApiKey.objects.get(name="telephony"))
    response = agents(client, key)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_lookup_that_raced_a_revocation_cannot_cache_the_key_again(cast, key):
    key_hash = api_key_hash(key)
    stale = ApiKey.objects.get(name="telephony")  # read before the revocation...
    api_key_revoke(actor=cast.admin, api_key=stale)
    # ...and stored after it: set-if-absent loses to the tombstone.
    assert cache.add(api_key_cache.PREFIX + key_hash, stale, timeout=300) is False
    assert api_key_cache.api_key_for_hash(key_hash) is None


def test_last_used_is_written_at_most_once_a_minute(client, cast, key, django_assert_num_queries):
    agents(client, key)
    first = ApiKey.objects.get(name="telephony").last_used_at
    assert first is not None
    with django_assert_num_queries(1):
        agents(client, key)
    assert ApiKey.objects.get(name="telephony").last_used_at == first
