"""Idempotency-Key on every POST: a retry replays, another body is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import IdempotencyRecord
from deployments.models import Deployment
from deployments.services import deployment_publish
from tests.api.test_api_deployments import edit, url
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(cast):
    return cast.agent()


@pytest.fixture
def key(api_key_for):
    return api_key_for("ops")


def post(call, path, key, body, idempotency_key):
    return call("post", path, key, json=body, headers={"Idempotency-Key": idempotency_key})


def test_it_replays_a_retried_publish_and_creates_nothing(cast, agent, key, call):
    first = post(call, url(agent, "/deployments/publish"), key, {"deploymentMessage": "m"}, "k1")
    assert first.status_code == 200
    edit(cast, agent, "changed after the first call")  # a real re-run would publish V2
    retry = post(call, url(agent, "/deployments/publish"), key, {"deploymentMessage": "m"}, "k1")
    assert retry.status_code == 200
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert Deployment.objects.filter(agent=agent).count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_it_treats_reordered_json_as_the_same_body(agent, key, call):
    first = call(
        "post",
        url(agent, "/deployments/publish"),
        key,
        data='{"environment": "sandbox", "deploymentMessage": "m"}',
        headers={"Idempotency-Key": "k"},
    )
    retry = call(
        "post",
        url(agent, "/deployments/publish"),
        key,
        data='{"deploymentMessage":"m","environment":"sandbox"}',
        headers={"Idempotency-Key": "k"},
    )
    assert retry.status_code == 200
    assert retry.content == first.content


def test_it_refuses_the_same_key_with_another_body(agent, key, call):
    post(call, url(agent, "/deployments/publish"), key, {"deploymentMessage": "one"}, "k")
    response = post(
        call, url(agent, "/deployments/publish"), key, {"deploymentMessage": "two"}, "k"
    )
    assert_error(response, 422, "idempotency_key_reused")
    assert Deployment.objects.count() == 1


def test_it_refuses_the_same_key_on_another_endpoint(cast, agent, key, call):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    post(call, url(agent, f"/deployments/{sandbox.pk}/promote"), key, {}, "k")
    response = post(call, url(agent, f"/deployments/{sandbox.pk}/rollback"), key, {}, "k")
    assert_error(response, 422, "idempotency_key_reused")


@pytest.mark.parametrize("action", ["promote", "rollback", "undeploy"])
def test_it_replays_every_post_endpoint(cast, agent, key, call, action):
    deployment_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "second")
    second, _ = deployment_publish(actor=cast.builder, agent=agent)
    path = {
        "promote": f"/deployments/{second.pk}/promote",
        "rollback": f"/deployments/{second.pk}/rollback",
        "undeploy": "/deployments/undeploy",
    }[action]
    body = {"environment": "sandbox"} if action == "undeploy" else {}
    first = post(call, url(agent, path), key, body, f"key-{action}")
    assert first.status_code == 200, first.content
    count = Deployment.objects.count()
    retry = post(call, url(agent, path), key, body, f"key-{action}")
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert Deployment.objects.count() == count


def test_it_does_not_store_refusals(cast, agent, key, call):
    only, _ = deployment_publish(actor=cast.builder, agent=agent)
    refused = post(call, url(agent, f"/deployments/{only.pk}/rollback"), key, {}, "k")
    assert_error(refused, 409, "nothing_to_roll_back_to")
    assert not IdempotencyRecord.objects.exists()


def test_it_scopes_keys_to_the_api_key(agent, key, api_key_for, call):
    other_key = api_key_for("ops", name="other")
    first = post(call, url(agent, "/deployments/publish"), key, {}, "shared")
    second = post(call, url(agent, "/deployments/publish"), other_key, {}, "shared")
    assert second.status_code == 200
    assert "Idempotent-Replayed" not in second
    assert first.json()["deployment"]["id"] == second.json()["deployment"]["id"]
    assert IdempotencyRecord.objects.count() == 2


@pytest.mark.parametrize("bad", ["x" * 256, "with space", "tab\there"])
def test_it_refuses_malformed_idempotency_keys(agent, key, call, bad):
    response = post(call, url(agent, "/deployments/publish"), key, {}, bad)
    assert_error(response, 422, "invalid")
    assert not Deployment.objects.exists()


def test_it_forgets_keys_after_a_day(agent, key, call):
    post(call, url(agent, "/deployments/publish"), key, {"deploymentMessage": "one"}, "k")
    record = IdempotencyRecord.objects.get()
    record.created_at = timezone.now() - timedelta(hours=25)
    record.save(update_fields=["created_at"])
    response = post(
        call, url(agent, "/deployments/publish"), key, {"deploymentMessage": "two"}, "k"
    )
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.get().pk != record.pk
