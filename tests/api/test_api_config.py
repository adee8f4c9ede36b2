"""Contract tests of configuration as code: draft (ETag / If-Match), versions, compare."""

import pytest

from agentbuilder.models import Agent
from deployments.services import deployment_publish
from tests.api.test_api_deployments import ISO_UTC, edit, url
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(cast):
    return cast.agent()


@pytest.fixture
def key(api_key_for):
    return api_key_for("builder")


def test_it_returns_the_draft_with_an_etag(agent, key, call):
    response = call("get", url(agent, "/draft"), key)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"agentId", "revision", "sha256", "updatedAt", "document"}
    assert body["document"] == agent.draft_document
    assert body["revision"] == agent.draft_revision
    assert ISO_UTC.match(body["updatedAt"])
    assert response["ETag"] == f'"{agent.draft_revision}-{agent.draft_sha256[:16]}"'


def test_it_replaces_the_draft_with_a_matching_if_match(agent, key, call):
    draft = call("get", url(agent, "/draft"), key)
    document = draft.json()["document"]
    document["behaviour"]["systemPrompt"] = "You are the new support line."
    response = call(
        "put", url(agent, "/draft"), key, json=document, headers={"If-Match": draft["ETag"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["document"]["behaviour"]["systemPrompt"] == (
        "You are the new support line."
    )
    assert response["ETag"] != draft["ETag"]
    agent.refresh_from_db()
    assert agent.draft_document["behaviour"]["systemPrompt"] == "You are the new support line."
    history = agent.history.first()
    assert history.history_change_reason == "drafts.save: via API"
    assert history.history_user.api_key.name == "ci-builder"


def test_it_answers_428_without_if_match_and_changes_nothing(agent, key, call):
    document = {**agent.draft_document, "behaviour": {"systemPrompt": "changed"}}
    response = call("put", url(agent, "/draft"), key, json=document)
    assert_error(response, 428, "precondition_required")
    assert Agent.objects.get(pk=agent.pk).draft_revision == agent.draft_revision


@pytest.mark.parametrize("etag", ["stale", '"1-0000000000000000"', '"999-x"', "*", '""'])
def test_it_answers_412_for_a_stale_or_wrong_etag(agent, key, call, etag):
    document = {**agent.draft_document, "behaviour": {"systemPrompt": "changed"}}
    response = call("put", url(agent, "/draft"), key, json=document, headers={"If-Match": etag})
    assert_error(response, 412, "precondition_failed")
    assert Agent.objects.get(pk=agent.pk).draft_document == agent.draft_document


def test_it_answers_412_when_someone_saved_since_the_get(cast, agent, key, call):
    draft = call("get", url(agent, "/draft"), key)
    edit(cast, agent, "someone else's change")
    document = {**draft.json()["document"], "behaviour": {"systemPrompt": "mine"}}
    response = call(
        "put", url(agent, "/draft"), key, json=document, headers={"If-Match": draft["ETag"]}
    )
    error = assert_error(response, 412, "precondition_failed")
    assert "builder" in error["message"]
    agent.refresh_from_db()
    assert agent.draft_document["behaviour"]["systemPrompt"] == "someone else's change"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"model": {"temperature": 9}}, "model.temperature"),
        ({"profile": {"name": ""}}, "profile.name"),
        ({"surprise": 1}, None),
        ({"behaviour": {"systemPrompt": "nul \x00"}}, "document.behaviour.systemPrompt"),
    ],
)
def test_it_refuses_invalid_documents_with_field_errors(agent, key, call, change, field):
    draft = call("get", url(agent, "/draft"), key)
    document = {**draft.json()["document"], **change}
    response = call(
        "put", url(agent, "/draft"), key, json=document, headers={"If-Match": draft["ETag"]}
    )
    error = assert_error(response, 422, "invalid")
    assert error["fields"]
    if field:
        assert field in error["fields"], error["fields"]
    assert Agent.objects.get(pk=agent.pk).draft_revision == agent.draft_revision


def test_it_refuses_a_non_object_document(agent, key, call):
    draft = call("get", url(agent, "/draft"), key)
    response = call("put", url(agent, "/draft"), key, json=[1], headers={"If-Match": draft["ETag"]})
    assert_error(response, 422)


def test_it_lists_versions_newest_first_a_page_at_a_time(cast, agent, key, call):
    for prompt in ("one", "two", "three"):
        agent = edit(cast, agent, prompt)
        deployment_publish(actor=cast.builder, agent=agent)
    first = call("get", url(agent, "/versions?limit=2"), key)
    assert first.status_code == 200
    body = first.json()
    assert [v["number"] for v in body["versions"]] == [3, 2]
    assert set(body["versions"][0]) == {
        "id",
        "number",
        "name",
        "description",
        "sha256",
        "createdBy",
        "createdAt",
    }
    assert body["nextBefore"] == 2
    second = call("get", url(agent, "/versions?limit=2&before=2"), key).json()
    assert [v["number"] for v in second["versions"]] == [1]
    assert second["nextBefore"] is None


@pytest.mark.parametrize("query", ["?limit=0", "?before=0", "?limit=x"])
def test_it_refuses_bad_version_list_parameters(agent, key, call, query):
    assert_error(call("get", url(agent, f"/versions{query}"), key), 422, "invalid")


def test_it_returns_one_version_with_its_document(cast, agent, key, call):
    deployment, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call("get", url(agent, "/versions/1"), key)
    assert response.status_code == 200
    assert response.json()["document"] == deployment.version.document
    assert response.json()["number"] == 1


@pytest.mark.parametrize("number", ["2", "99999999999999999999"])
def test_it_answers_404_for_unknown_version_numbers(cast, agent, key, call, number):
    deployment_publish(actor=cast.builder, agent=agent)
    assert_error(call("get", url(agent, f"/versions/{number}"), key), 404, "not_found")


def test_it_compares_two_sides(cast, agent, key, call):
    deployment_publish(actor=cast.builder, agent=agent)
    edit(cast, agent, "a new prompt")
    response = call("get", url(agent, "/compare?from=sandbox&to=draft"), key)
    assert response.status_code == 200
    body = response.json()
    assert body["from"]["ref"] == "sandbox"
    assert body["from"]["label"] == "Sandbox (V1)"
    assert body["from"]["version"]["number"] == 1
    assert body["from"]["nothingDeployed"] is False
    assert body["to"]["ref"] == "draft"
    assert isinstance(body["diff"], dict) and body["diff"]


@pytest.mark.parametrize(
    "query", ["?from=draft", "?to=draft", "?from=v9&to=draft", "?from=prod&to=draft"]
)
def test_it_refuses_bad_compare_references(agent, key, call, query):
    assert_error(call("get", url(agent, f"/compare{query}"), key), 422)


def test_it_lists_the_workspace_agents(cast, agent, key, call):
    cast.agent("Theirs", workspace=cast.other_workspace)
    response = call("get", "/v1/agents", key)
    assert response.json() == {"agents": [{"id": str(agent.pk), "name": agent.name}]}


def test_it_lists_versions_in_a_constant_number_of_queries(
    cast, agent, key, call, django_assert_max_num_queries
):
    for prompt in ("one", "two", "three", "four"):
        agent = edit(cast, agent, prompt)
        deployment_publish(actor=cast.builder, agent=agent)
    call("get", url(agent, "/versions"), key)  # touch last_used_at
    with django_assert_max_num_queries(3):
        response = call("get", url(agent, "/versions"), key)
    assert len(response.json()["versions"]) == 4
