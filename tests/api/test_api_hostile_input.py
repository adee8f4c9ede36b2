"""No input makes the API answer 5xx: odd ids, NUL characters, surrogates, huge numbers,
deep nesting. Each answer is a 4xx in the error envelope (or a normal 200)."""

import pytest

from deployments.models import Deployment
from deployments.services import deployment_publish
from tests.api.test_api_deployments import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(cast):
    return cast.agent()


@pytest.fixture
def key(api_key_for):
    return api_key_for("admin")


def assert_client_error(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    assert "error" in response.json()


@pytest.mark.parametrize(
    "rest",
    [
        "/deployments?environment=sandbox%00",
        "/deployments?environment=sandbox&limit=99999999999999999999999",
        "/deployments?environment=%ff%fe",
        "/versions?before=99999999999999999999999",
        "/versions/0",
        "/versions/-1",
        "/compare?from=%00&to=draft",
        "/compare?from=v999999999&to=draft",
        "/compare?from=v0&to=draft",
    ],
)
def test_it_answers_odd_queries_without_a_server_error(agent, key, call, rest):
    response = call("get", url(agent, rest), key)
    assert response.status_code < 500, response.content
    assert response.json()


@pytest.mark.parametrize("agent_id", ["%00", "a" * 5000, "%E2%80%AE", "00000000-0000-0000-0000-0"])
def test_it_answers_odd_agent_ids_with_404(agent, key, call, agent_id):
    response = call("get", f"/v1/agents/{agent_id}/deployments/active", key)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "raw",
    [
        '{"deploymentMessage": "\\ud800"}',
        '{"deploymentMessage": "\\u0000"}',
        '{"deploymentMessage": ["a"]}',
        '{"deploymentMessage": null}',
        '{"environment": null}',
        '{"environment": "sandbox", "environment": "live"}',
        "[" * 100_000 + "]" * 100_000,
        '{"deploymentMessage": 1e999}',
        "NaN",
    ],
)
def test_it_refuses_hostile_bodies_without_a_server_error(agent, key, call, raw):
    response = call("post", url(agent, "/deployments/publish"), key, data=raw)
    if response.status_code == 200:  # e.g. duplicate keys: the last one wins, like JSON.parse
        return
    assert_client_error(response)
    assert not Deployment.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"variables": [{"id": "var_abcd", "name": "x", "type": "number", "default": "NaN"}]},
        {"behaviour": {"systemPrompt": "\ud800"}},
        {"functions": [{"id": "fn_abcd", "name": "f", "code": "x", "parameters": {"\u0000": 1}}]},
    ],
)
def test_it_refuses_unstorable_documents(agent, key, call, change):
    draft = call("get", url(agent, "/draft"), key)
    import json

    text = json.dumps({**draft.json()["document"], **change}).replace('"NaN"', "NaN")
    response = call(
        "put", url(agent, "/draft"), key, data=text, headers={"If-Match": draft["ETag"]}
    )
    assert_client_error(response)


def test_it_handles_a_huge_promote_message(cast, agent, key, call):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call(
        "post",
        url(agent, f"/deployments/{sandbox.pk}/promote"),
        key,
        json={"deploymentMessage": "é" * 100_000},
    )
    assert_client_error(response)
