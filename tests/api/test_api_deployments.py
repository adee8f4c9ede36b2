"""Contract tests of the reference's deployment endpoints: paths, parameters, shapes, errors."""

import re
import uuid

import pytest

from agentbuilder.services import draft_save
from api.services import api_key_create, api_key_revoke
from deployments.models import Deployment
from deployments.services import deployment_promote, deployment_publish
from tests.conftest import assert_error

pytestmark = pytest.mark.django_db

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DEPLOYMENT_KEYS = {
    "id",
    "agentId",
    "environment",
    "action",
    "version",
    "deploymentMessage",
    "createdBy",
    "createdAt",
    "sourceDeploymentId",
    "previousDeploymentId",
}


def assert_deployment_shape(deployment: dict) -> None:
    assert set(deployment) == DEPLOYMENT_KEYS
    assert set(deployment["version"]) == {"id", "number", "name"}
    assert ISO_UTC.match(deployment["createdAt"]), deployment["createdAt"]
    uuid.UUID(deployment["id"])


def edit(cast, agent, prompt: str):
    document = {**agent.draft_document, "behaviour": {"systemPrompt": prompt}}
    agent.refresh_from_db()
    return draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


@pytest.fixture
def agent(cast):
    return cast.agent()


@pytest.fixture
def ops_key(api_key_for):
    return api_key_for("ops")


@pytest.fixture
def builder_key(api_key_for):
    return api_key_for("builder")


def url(agent, rest: str = "") -> str:
    return f"/v1/agents/{agent.pk}{rest}"


# --- publish ---------------------------------------------------------------------------


def test_it_publishes_to_sandbox_by_default_with_the_reference_shape(agent, builder_key, call):
    response = call("post", url(agent, "/deployments/publish"), builder_key)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"deployment", "testRunIds"}
    assert body["testRunIds"] == []
    deployment = body["deployment"]
    assert_deployment_shape(deployment)
    assert deployment["agentId"] == str(agent.pk)
    assert deployment["environment"] == "sandbox"
    assert deployment["action"] == "publish"
    assert deployment["version"]["number"] == 1
    assert deployment["createdBy"] == "ci-builder (API key)"
    assert deployment["sourceDeploymentId"] is None
    assert Deployment.objects.get(pk=deployment["id"]).environment == "sandbox"


def test_it_publishes_with_a_message_to_a_named_environment(agent, ops_key, call):
    response = call(
        "post",
        url(agent, "/deployments/publish"),
        ops_key,
        json={"deploymentMessage": "merge #12", "environment": "pre-release"},
    )
    assert response.status_code == 200
    deployment = response.json()["deployment"]
    assert deployment["environment"] == "pre-release"
    assert deployment["deploymentMessage"] == "merge #12"


def test_it_publishes_an_unchanged_draft_without_creating_anything(agent, builder_key, call):
    first = call("post", url(agent, "/deployments/publish"), builder_key).json()
    second = call("post", url(agent, "/deployments/publish"), builder_key)
    assert second.status_code == 200
    assert second.json()["deployment"]["id"] == first["deployment"]["id"]
    assert Deployment.objects.filter(agent=agent).count() == 1


def test_it_attributes_api_actions_to_the_key_in_records_and_history(agent, builder_key, call):
    deployment_id = call("post", url(agent, "/deployments/publish"), builder_key).json()[
        "deployment"
    ]["id"]
    deployment = Deployment.objects.get(pk=deployment_id)
    assert deployment.created_by.api_key.name == "ci-builder"
    history = deployment.history.get()
    assert history.history_user == deployment.created_by
    assert history.history_change_reason == "deployments.publish"


def test_it_refuses_a_builder_key_publishing_to_live(agent, builder_key, call):
    response = call(
        "post", url(agent, "/deployments/publish"), builder_key, json={"environment": "live"}
    )
    assert_error(response, 403, "forbidden")
    assert not Deployment.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"environment": "production"}, "unknown_environment"),
        ({"environment": 3}, "unknown_environment"),
        ({"deploymentMessage": 42}, "invalid"),
        ({"deploymentMessage": "x" * 2001}, "invalid"),
        ({"deploymentMessage": "nul \x00 byte"}, "invalid"),
        ({"unknownField": True}, "invalid"),
        ([], "invalid"),
        ("just a string", "invalid"),
    ],
)
def test_it_refuses_bad_bodies_with_422(agent, builder_key, call, body, code):
    response = call("post", url(agent, "/deployments/publish"), builder_key, json=body)
    assert_error(response, 422, code)
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("raw", ["{bad", '{"environment": "sandbox"', "\xff\xfe", "null null"])
def test_it_answers_malformed_json_with_400(agent, builder_key, call, raw):
    response = call("post", url(agent, "/deployments/publish"), builder_key, data=raw)
    assert_error(response, 400, "malformed_json")
    assert not Deployment.objects.exists()


def test_it_refuses_a_huge_body_without_a_server_error(agent, builder_key, call):
    response = call(
        "post",
        url(agent, "/deployments/publish"),
        builder_key,
        json={"deploymentMessage": "x" * 3_000_000},
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()


# --- list and active ---------------------------------------------------------------------


def test_it_lists_deployments_of_one_environment_newest_first(cast, agent, ops_key, call):
    for prompt in ("one", "two", "three"):
        agent = edit(cast, agent, prompt)
        deployment_publish(actor=cast.builder, agent=agent)
    response = call("get", url(agent, "/deployments?environment=sandbox"), ops_key)
    assert response.status_code == 200
    deployments = response.json()["deployments"]
    assert [d["version"]["number"] for d in deployments] == [3, 2, 1]
    for deployment in deployments:
        assert_deployment_shape(deployment)
    assert deployments[0]["previousDeploymentId"] == deployments[1]["id"]
    assert deployments[0]["createdBy"] == "builder"
    empty = call("get", url(agent, "/deployments?environment=live"), ops_key)
    assert empty.json() == {"deployments": []}


def test_it_limits_the_list_and_caps_the_limit(cast, agent, ops_key, call):
    for prompt in ("one", "two", "three"):
        agent = edit(cast, agent, prompt)
        deployment_publish(actor=cast.builder, agent=agent)
    limited = call("get", url(agent, "/deployments?environment=sandbox&limit=2"), ops_key)
    assert len(limited.json()["deployments"]) == 2
    capped = call("get", url(agent, "/deployments?environment=sandbox&limit=100000"), ops_key)
    assert capped.status_code == 200
    assert len(capped.json()["deployments"]) == 3


def test_it_lists_in_a_constant_number_of_queries(
    cast, agent, ops_key, call, django_assert_max_num_queries
):
    for prompt in ("one", "two", "three", "four"):
        agent = edit(cast, agent, prompt)
        deployment_publish(actor=cast.builder, agent=agent)
    call("get", url(agent, "/deployments?environment=sandbox"), ops_key)  # touch last_used_at
    with django_assert_max_num_queries(3):
        response = call("get", url(agent, "/deployments?environment=sandbox"), ops_key)
    assert len(response.json()["deployments"]) == 4


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "invalid"),
        ("?environment=prod", "unknown_environment"),
        ("?environment=sandbox&limit=0", "invalid"),
        ("?environment=sandbox&limit=-5", "invalid"),
        ("?environment=sandbox&limit=ten", "invalid"),
        ("?environment=sandbox&limit=1.5", "invalid"),
    ],
)
def test_it_refuses_bad_list_parameters(agent, ops_key, call, query, code):
    response = call("get", url(agent, f"/deployments{query}"), ops_key)
    assert_error(response, 422, code)


def test_it_shows_the_active_deployment_per_environment_with_nulls(cast, agent, ops_key, call):
    deployment, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call("get", url(agent, "/deployments/active"), ops_key)
    assert response.status_code == 200
    active = response.json()["activeDeployments"]
    assert list(active) == ["sandbox", "pre-release", "live"]
    assert active["sandbox"]["id"] == str(deployment.pk)
    assert_deployment_shape(active["sandbox"])
    assert active["pre-release"] is None
    assert active["live"] is None


def test_it_shows_active_deployments_in_a_constant_number_of_queries(
    cast, agent, ops_key, call, django_assert_max_num_queries
):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    deployment_promote(actor=cast.builder, deployment=sandbox)
    call("get", url(agent, "/deployments/active"), ops_key)  # touch last_used_at
    with django_assert_max_num_queries(3):
        response = call("get", url(agent, "/deployments/active"), ops_key)
    assert response.json()["activeDeployments"]["pre-release"]["action"] == "promote"


# --- promote ---------------------------------------------------------------------------


def test_it_promotes_to_the_next_environment_and_names_the_source(cast, agent, builder_key, call):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call("post", url(agent, f"/deployments/{sandbox.pk}/promote"), builder_key)
    assert response.status_code == 200
    body = response.json()
    assert body["testRunIds"] == []
    assert body["deployment"]["environment"] == "pre-release"
    assert body["deployment"]["action"] == "promote"
    assert body["deployment"]["sourceDeploymentId"] == str(sandbox.pk)


def test_it_promotes_to_live_with_an_ops_key_as_the_confirmation(cast, agent, ops_key, call):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call(
        "post",
        url(agent, f"/deployments/{sandbox.pk}/promote"),
        ops_key,
        json={"targetEnvironment": "live", "deploymentMessage": "tests passed"},
    )
    assert response.status_code == 200
    assert response.json()["deployment"]["environment"] == "live"
    assert response.json()["deployment"]["deploymentMessage"] == "tests passed"


def test_it_refuses_a_builder_key_promoting_to_live(cast, agent, builder_key, call):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call(
        "post",
        url(agent, f"/deployments/{sandbox.pk}/promote"),
        builder_key,
        json={"targetEnvironment": "live"},
    )
    error = assert_error(response, 403, "forbidden")
    assert "Live" in error["message"]
    assert Deployment.objects.filter(environment="live").count() == 0


def test_it_refuses_promoting_from_live_with_409(cast, agent, ops_key, call):
    live, _ = deployment_publish(actor=cast.ops, agent=agent, environment="live")
    response = call("post", url(agent, f"/deployments/{live.pk}/promote"), ops_key)
    assert_error(response, 409, "promote_from_live")


def test_it_refuses_promoting_backwards_and_an_already_active_version(cast, agent, ops_key, call):
    pre, _ = deployment_publish(actor=cast.ops, agent=agent, environment="pre-release")
    backwards = call(
        "post",
        url(agent, f"/deployments/{pre.pk}/promote"),
        ops_key,
        json={"targetEnvironment": "sandbox"},
    )
    assert_error(backwards, 409, "promote_backwards")
    sandbox, _ = deployment_publish(actor=cast.ops, agent=agent)
    again = call("post", url(agent, f"/deployments/{sandbox.pk}/promote"), ops_key)
    assert_error(again, 409, "already_active")


def test_it_refuses_an_unknown_target_environment(cast, agent, ops_key, call):
    sandbox, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call(
        "post",
        url(agent, f"/deployments/{sandbox.pk}/promote"),
        ops_key,
        json={"targetEnvironment": "staging"},
    )
    assert_error(response, 422, "unknown_environment")


# --- rollback --------------------------------------------------------------------------


def test_it_rolls_back_to_the_previous_version(cast, agent, ops_key, call):
    first, _ = deployment_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "second")
    second, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call(
        "post",
        url(agent, f"/deployments/{second.pk}/rollback"),
        ops_key,
        json={"deploymentMessage": "bad prompt"},
    )
    assert response.status_code == 200
    deployment = response.json()["deployment"]
    assert deployment["action"] == "rollback"
    assert deployment["version"]["number"] == 1
    assert deployment["sourceDeploymentId"] == str(first.pk)
    assert deployment["previousDeploymentId"] == str(second.pk)
    assert deployment["deploymentMessage"] == "bad prompt"


def test_it_refuses_a_rollback_with_nothing_to_roll_back_to(cast, agent, ops_key, call):
    only, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call("post", url(agent, f"/deployments/{only.pk}/rollback"), ops_key)
    assert_error(response, 409, "nothing_to_roll_back_to")


def test_it_refuses_a_builder_key_rolling_back(cast, agent, builder_key, call):
    deployment_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "second")
    second, _ = deployment_publish(actor=cast.builder, agent=agent)
    response = call("post", url(agent, f"/deployments/{second.pk}/rollback"), builder_key)
    assert_error(response, 403, "forbidden")
    assert Deployment.objects.filter(action="rollback").count() == 0


# --- undeploy --------------------------------------------------------------------------


def test_it_undeploys_live_by_default(cast, agent, ops_key, call):
    live, _ = deployment_publish(actor=cast.ops, agent=agent, environment="live")
    response = call("post", url(agent, "/deployments/undeploy"), ops_key)
    assert response.status_code == 200
    deployment = response.json()["deployment"]
    assert deployment["action"] == "undeploy"
    assert deployment["environment"] == "live"
    assert deployment["sourceDeploymentId"] == str(live.pk)
    active = call("get", url(agent, "/deployments/active"), ops_key).json()
    assert active["activeDeployments"]["live"] is None


def test_it_refuses_undeploying_an_empty_environment_and_builder_keys(
    cast, agent, ops_key, builder_key, call
):
    empty = call(
        "post", url(agent, "/deployments/undeploy"), ops_key, json={"environment": "sandbox"}
    )
    assert_error(empty, 409, "nothing_deployed")
    deployment_publish(actor=cast.builder, agent=agent)
    forbidden = call(
        "post", url(agent, "/deployments/undeploy"), builder_key, json={"environment": "sandbox"}
    )
    assert_error(forbidden, 403, "forbidden")


# --- 404s and 401s across every endpoint --------------------------------------------------


def endpoints(agent_id, deployment_id):
    base = f"/v1/agents/{agent_id}"
    return [
        ("get", f"{base}/deployments?environment=sandbox"),
        ("get", f"{base}/deployments/active"),
        ("post", f"{base}/deployments/publish"),
        ("post", f"{base}/deployments/undeploy"),
        ("post", f"{base}/deployments/{deployment_id}/promote"),
        ("post", f"{base}/deployments/{deployment_id}/rollback"),
        ("get", f"{base}/draft"),
        ("put", f"{base}/draft"),
        ("get", f"{base}/versions"),
        ("get", f"{base}/versions/1"),
        ("get", f"{base}/compare?from=draft&to=live"),
    ]


@pytest.mark.parametrize("agent_id", ["not-a-uuid", str(uuid.uuid4()), "other-workspace"])
def test_it_answers_404_for_unknown_agents_and_other_workspaces(cast, ops_key, call, agent_id):
    if agent_id == "other-workspace":
        theirs = cast.agent("Theirs", workspace=cast.other_workspace)
        deployment_publish(actor=cast.outsider, agent=theirs)
        agent_id = str(theirs.pk)
    for method, path in endpoints(agent_id, uuid.uuid4()):
        body = {"profile": {"name": "x"}} if method == "put" else None
        response = call(method, path, ops_key, json=body, headers={"If-Match": '"1-x"'})
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("kind", ["not-a-uuid", "unknown", "other-agent", "other-workspace"])
def test_it_answers_404_for_deployments_that_are_not_this_agents(cast, agent, ops_key, call, kind):
    deployment_id = {"not-a-uuid": "1234", "unknown": str(uuid.uuid4())}.get(kind)
    if kind == "other-agent":
        other = cast.agent("Other agent")
        deployment_id = str(deployment_publish(actor=cast.builder, agent=other)[0].pk)
    if kind == "other-workspace":
        theirs = cast.agent("Theirs", workspace=cast.other_workspace)
        deployment_id = str(deployment_publish(actor=cast.outsider, agent=theirs)[0].pk)
    for action in ("promote", "rollback"):
        response = call("post", url(agent, f"/deployments/{deployment_id}/{action}"), ops_key)
        assert_error(response, 404, "not_found")
    assert Deployment.objects.filter(agent=agent).count() == 0


@pytest.mark.parametrize("key", [None, "", "arc_nope_nope", "revoked"])
def test_it_answers_401_for_missing_wrong_and_revoked_keys(cast, agent, api_key_for, call, key):
    if key == "revoked":
        key = api_key_for("admin", name="old")
        from api.models import ApiKey

        api_key_revoke(actor=cast.admin, api_key=ApiKey.objects.get(name="old"))
    deployment, _ = deployment_publish(actor=cast.builder, agent=agent)
    for method, path in [*endpoints(agent.pk, deployment.pk), ("get", "/v1/agents")]:
        response = call(method, path, key, json={} if method != "get" else None)
        assert_error(response, 401, "unauthorized")
    assert Deployment.objects.count() == 1


def test_it_answers_an_unknown_api_path_in_the_envelope(client):
    response = client.get("/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_answers_a_wrong_method_in_the_envelope(client, cast):
    _, raw_key = api_key_create(actor=None, workspace=cast.workspace, name="ci-405")
    response = client.delete("/v1/agents", headers={"x-api-key": raw_key})
    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "code": "method_not_allowed",
            "message": "This endpoint does not accept the DELETE method.",
        }
    }
    assert "GET" in response["Allow"]
