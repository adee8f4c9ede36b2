import collections
import json

import pytest
from django.core.cache import cache

from api.services import api_key_create
from deployments.services import deployment_promote, deployment_publish
from telephony.models import CallRecord
from telephony.routing import choose_variant, sticky_bucket
from telephony.services import number_assign, number_create

pytestmark = pytest.mark.django_db

NUMBER = "+442079460958"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent(cast):
    agent = cast.agent("Bella")
    first, _ = deployment_publish(actor=cast.builder, agent=agent, message="first")
    deployment_promote(actor=cast.ops, deployment=first, target_environment="live", confirmed=True)
    return agent


@pytest.fixture
def key(cast):
    return api_key_create(actor=None, workspace=cast.workspace, name="telephony")[1]


def assign(cast, agent, variants, *, number=NUMBER, headers=None, label=""):
    phone_number = number_create(
        actor=cast.admin, workspace=cast.workspace, number=number, label=label
    )
    number_assign(
        actor=cast.admin,
        phone_number=phone_number,
        agent=agent,
        variants=variants,
        sip_headers=headers,
    )
    return phone_number


def route(client, key, to=NUMBER, caller="+15550001111", call_id="call-1"):
    return client.post(
        "/v1/calls/route",
        data=json.dumps({"to": to, "from": caller, "callId": call_id}),
        content_type="application/json",
        headers={"x-api-key": key},
    )


def test_it_answers_with_the_live_version_and_records_the_call(client, cast, agent, key):
    assign(cast, agent, [{"target": "live"}], headers=[{"name": "X-Tenant", "value": "bella"}])
    response = route(client, key, to="+44 20 7946 0958")
    assert response.status_code == 200
    body = response.json()
    version = agent.versions.get()
    assert body == {
        "agentId": str(agent.pk),
        "environment": "live",
        "version": {"id": str(version.pk), "number": 1},
        "variant": "Default",
        "sipHeaders": {"X-Tenant": "bella"},
        "config": version.document,
    }
    record = CallRecord.objects.get()
    assert (
        record.call_id,
        record.number,
        record.variant,
        record.version_id,
        record.environment,
    ) == (
        "call-1",
        NUMBER,
        "Default",
        version.pk,
        "live",
    )


def test_it_answers_the_draft_with_no_version(client, cast, agent, key):
    assign(cast, agent, [{"target": "draft"}])
    body = route(client, key).json()
    agent.refresh_from_db()
    assert body["version"] is None
    assert body["environment"] is None
    assert body["config"] == agent.draft_document
    assert CallRecord.objects.get().version_id is None


def test_it_answers_a_pinned_version_whatever_is_promoted_later(client, cast, agent, key):
    assign(cast, agent, [{"target": "v1"}])
    draft = {
        **agent.draft_document,
        "behaviour": {**agent.draft_document["behaviour"], "welcomeMessage": "V2!"},
    }
    agent.refresh_from_db()
    from agentbuilder.services import draft_save

    draft_save(actor=cast.builder, agent=agent, document=draft, base_revision=agent.draft_revision)
    second, _ = deployment_publish(actor=cast.builder, agent=agent, message="second")
    deployment_promote(actor=cast.ops, deployment=second, target_environment="live", confirmed=True)
    body = route(client, key).json()
    assert body["version"]["number"] == 1
    assert body["environment"] is None


def test_it_answers_404_for_unknown_unassigned_and_other_workspaces_numbers(
    client, cast, agent, key
):
    assert route(client, key).status_code == 404
    phone_number = number_create(actor=cast.admin, workspace=cast.workspace, number=NUMBER)
    response = route(client, key)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No agent answers this number."}
    }
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    deployment_publish(actor=cast.outsider, agent=theirs)
    other = number_create(
        actor=cast.outsider, workspace=cast.other_workspace, number="+15550002222"
    )
    number_assign(
        actor=cast.outsider, phone_number=other, agent=theirs, variants=[{"target": "sandbox"}]
    )
    assert route(client, key, to="+15550002222").status_code == 404
    assert phone_number.pk and not CallRecord.objects.exists()


def test_it_answers_409_when_the_environment_has_nothing_deployed(client, cast, agent, key):
    assign(cast, agent, [{"target": "pre-release"}])
    response = route(client, key)
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "nothing_deployed",
            "message": "Nothing is deployed in Pre-release for this number's agent.",
        }
    }
    assert not CallRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"to": "12345", "from": "+1", "callId": "c"}, "Start the number with +"),
        ({"to": NUMBER, "from": "+1"}, "callId"),
        ({"to": NUMBER, "from": "+1", "callId": ""}, "callId"),
    ],
)
def test_it_refuses_bad_routing_requests_with_422(client, key, body, message):
    response = client.post(
        "/v1/calls/route",
        data=json.dumps(body),
        content_type="application/json",
        headers={"x-api-key": key},
    )
    assert response.status_code == 422
    assert message in response.json()["error"]["message"]


def test_it_needs_a_key(client):
    response = client.post("/v1/calls/route", data="{}", content_type="application/json")
    assert response.status_code == 401


def test_a_warm_routing_call_makes_only_the_key_lookup_and_the_call_record_insert(
    client, cast, agent, key, django_assert_num_queries
):
    assign(cast, agent, [{"target": "live"}])
    assert route(client, key, call_id="warm-up").status_code == 200
    with django_assert_num_queries(2) as captured:
        assert route(client, key, call_id="warm").status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert "deployments_apikey" in statements[0]
    # One insert statement that does not wait for the WAL flush.
    assert statements[1].startswith('INSERT INTO "deployments_callrecord"')
    assert "set_config('synchronous_commit', 'off', true)" in statements[1]
    record = CallRecord.objects.get(call_id="warm")
    assert (record.number, record.variant, record.created_at is not None) == (
        NUMBER,
        "Default",
        True,
    )


def test_the_same_caller_lands_in_the_same_variant(client, cast, agent, key):
    assign(
        cast,
        agent,
        [
            {"label": "Control", "target": "live", "weight": 50},
            {"label": "Test", "target": "draft", "weight": 50},
        ],
    )
    seen = collections.defaultdict(set)
    for caller in ("+15550000001", "+15550000002", "+15550000003", "+15550000004"):
        for attempt in range(3):
            seen[caller].add(
                route(client, key, caller=caller, call_id=f"{caller}-{attempt}").json()["variant"]
            )
    assert all(len(variants) == 1 for variants in seen.values())


def test_sticky_buckets_split_10000_callers_within_3_percent_of_the_weights():
    variants = [{"label": "Control", "weight": 70}, {"label": "Test", "weight": 30}]
    counts = collections.Counter(
        choose_variant(variants, sticky_bucket(f"+1555{n:07d}", 42, 1))["label"]
        for n in range(10_000)
    )
    assert abs(counts["Control"] / 10_000 - 0.70) < 0.03
    assert abs(counts["Test"] / 10_000 - 0.30) < 0.03


def test_a_new_split_revision_reshuffles_callers_but_is_stable_within_one():
    callers = [f"+1555{n:07d}" for n in range(200)]
    first = [sticky_bucket(caller, 7, 1) for caller in callers]
    assert first == [sticky_bucket(caller, 7, 1) for caller in callers]
    assert first != [sticky_bucket(caller, 7, 2) for caller in callers]
    assert all(0 <= bucket < 100 for bucket in first)


def test_choose_variant_uses_cumulative_weights():
    variants = [
        {"label": "A", "weight": 70},
        {"label": "B", "weight": 20},
        {"label": "C", "weight": 10},
    ]
    assert [choose_variant(variants, b)["label"] for b in (0, 69, 70, 89, 90, 99)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "C",
    ]


@pytest.mark.parametrize("call_id", ["a\x00b", "line\nbreak", "x" * 129])
def test_it_refuses_call_ids_the_database_could_not_store(client, cast, agent, key, call_id):
    assign(cast, agent, [{"target": "live"}])
    response = route(client, key, call_id=call_id)
    assert response.status_code == 422
    assert not CallRecord.objects.exists()


def test_the_openapi_schema_declares_every_status_in_the_envelope(client):
    schema = client.get("/v1/openapi.json").json()
    route_op = schema["paths"]["/v1/calls/route"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(route_op["responses"])
    put = schema["paths"]["/v1/numbers/{number}"]["put"]
    assert {"200", "201", "403", "422"} <= set(put["responses"])
