import json

import pytest

from api.services import api_key_create
from deployments.services import deployment_publish
from telephony.models import NumberAssignment, PhoneNumber
from telephony.services import number_assign, number_create

pytestmark = pytest.mark.django_db

NUMBER = "+442079460958"
ENCODED = "%2B442079460958"


@pytest.fixture
def agent(cast):
    agent = cast.agent("Bella")
    deployment_publish(actor=cast.builder, agent=agent, message="v1")
    return agent


@pytest.fixture
def keys(cast):
    return {
        role: api_key_create(actor=None, workspace=cast.workspace, name=role, role=role)[1]
        for role in ("builder", "ops", "admin")
    }


def put(client, key, body, number=ENCODED):
    return client.put(
        f"/v1/numbers/{number}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"x-api-key": key},
    )


def test_put_creates_a_number_with_a_plain_target(client, cast, agent, keys):
    response = put(
        client,
        keys["admin"],
        {
            "agentId": str(agent.pk),
            "target": "sandbox",
            "label": "Main",
            "sipHeaders": {"X-A": "1"},
        },
    )
    assert response.status_code == 201
    assert response.json() == {
        "number": NUMBER,
        "label": "Main",
        "assignment": {
            "agentId": str(agent.pk),
            "variants": [{"label": "Default", "target": "sandbox", "weight": 100, "version": None}],
            "sipHeaders": [{"name": "X-A", "value": "1"}],
        },
        "warnings": [],
    }
    record = NumberAssignment.objects.get().history.get()
    assert record.history_change_reason == "numbers.assign: Bella → Sandbox; SIP headers X-A"
    assert record.history_user.get_username().startswith("apikey:demo:admin:")


def test_put_replaces_the_assignment_with_a_split(client, cast, agent, keys):
    put(client, keys["admin"], {"agentId": str(agent.pk), "target": "live"})
    response = put(
        client,
        keys["admin"],
        {
            "agentId": str(agent.pk),
            "variants": [
                {"label": "Control", "target": "v1", "weight": 80},
                {"label": "Test", "target": "draft", "weight": 20},
            ],
        },
    )
    assert response.status_code == 200
    version = agent.versions.get()
    assert response.json()["assignment"]["variants"] == [
        {
            "label": "Control",
            "target": "v1",
            "weight": 80,
            "version": {"id": str(version.pk), "number": 1},
        },
        {"label": "Test", "target": "draft", "weight": 20, "version": None},
    ]
    assert response.json()["label"] == ""


def test_put_refuses_a_split_that_does_not_sum_to_100_in_the_envelope(client, cast, agent, keys):
    response = put(
        client,
        keys["admin"],
        {
            "agentId": str(agent.pk),
            "variants": [
                {"label": "A", "target": "v1", "weight": 70},
                {"label": "B", "target": "draft", "weight": 20},
            ],
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "invalid_assignment",
            "message": "The weights add up to 90%; they must add up to 100%.",
            "fields": {"weights": "The weights add up to 90%; they must add up to 100%."},
        }
    }
    assert not PhoneNumber.objects.exists()  # the whole PUT is one transaction


@pytest.mark.parametrize(
    ("number", "body", "code", "message"),
    [
        ("12345", {"target": "live"}, "invalid_number", "Start the number with +"),
        (ENCODED, {"target": "prod"}, "invalid_assignment", "Choose a target"),
        (ENCODED, {}, "invalid", "Give a target or variants."),
        (
            ENCODED,
            {"target": "live", "sipHeaders": [{"name": "X-A", "value": "a\nb"}]},
            "invalid_sip_headers",
            "line breaks",
        ),
    ],
)
def test_put_refuses_bad_input_with_the_same_messages(
    client, agent, keys, number, body, code, message
):
    response = put(client, keys["admin"], {"agentId": str(agent.pk), **body}, number=number)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert message in response.json()["error"]["message"]
    assert not PhoneNumber.objects.exists()


def test_put_refuses_an_agent_of_another_workspace(client, cast, keys):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    response = put(client, keys["admin"], {"agentId": str(theirs.pk), "target": "live"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "No agent with this id."


def test_put_refuses_a_number_held_by_another_workspace(client, cast, agent, keys):
    number_create(actor=cast.outsider, workspace=cast.other_workspace, number=NUMBER)
    response = put(client, keys["admin"], {"agentId": str(agent.pk), "target": "live"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "This number is already in use."


@pytest.mark.parametrize("role", ["builder", "ops"])
def test_writes_need_an_admin_key(client, cast, agent, keys, role):
    response = put(client, keys[role], {"agentId": str(agent.pk), "target": "live"})
    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "forbidden", "message": "Only admin keys can change numbers."}
    }
    number_create(actor=cast.admin, workspace=cast.workspace, number=NUMBER)
    response = client.delete(f"/v1/numbers/{ENCODED}", headers={"x-api-key": keys[role]})
    assert response.status_code == 403
    assert PhoneNumber.objects.exists()


def test_any_key_reads_numbers_of_its_workspace_only(client, cast, agent, keys):
    phone_number = number_create(
        actor=cast.admin, workspace=cast.workspace, number=NUMBER, label="Live line"
    )
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "draft"}]
    )
    number_create(actor=cast.outsider, workspace=cast.other_workspace, number="+15550001111")
    listing = client.get("/v1/numbers", headers={"x-api-key": keys["builder"]}).json()
    assert [n["number"] for n in listing["numbers"]] == [NUMBER]
    assert listing["numbers"][0]["warnings"] == [
        "Draft target on a number labelled as production: callers hear unpublished changes."
    ]
    one = client.get(f"/v1/numbers/{ENCODED}", headers={"x-api-key": keys["builder"]})
    assert one.status_code == 200 and one.json()["label"] == "Live line"
    other = client.get("/v1/numbers/%2B15550001111", headers={"x-api-key": keys["builder"]})
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "not_found"


def test_delete_releases_the_number(client, cast, agent, keys):
    put(client, keys["admin"], {"agentId": str(agent.pk), "target": "live"})
    response = client.delete(f"/v1/numbers/{ENCODED}", headers={"x-api-key": keys["admin"]})
    assert response.status_code == 204
    assert not PhoneNumber.objects.exists()
    again = client.delete(f"/v1/numbers/{ENCODED}", headers={"x-api-key": keys["admin"]})
    assert again.status_code == 404


def test_the_number_list_makes_a_constant_number_of_queries(
    client, cast, agent, keys, django_assert_num_queries
):
    for index in range(2):
        put(
            client,
            keys["admin"],
            {"agentId": str(agent.pk), "target": "live"},
            number=f"%2B155500010{index}",
        )
    client.get("/v1/numbers", headers={"x-api-key": keys["builder"]})
    with django_assert_num_queries(5) as few:
        client.get("/v1/numbers", headers={"x-api-key": keys["builder"]})
    baseline = len(few.captured_queries)
    for index in range(2, 8):
        put(
            client,
            keys["admin"],
            {"agentId": str(agent.pk), "target": "v1"},
            number=f"%2B155500010{index}",
        )
    with django_assert_num_queries(baseline):
        response = client.get("/v1/numbers", headers={"x-api-key": keys["builder"]})
    assert len(response.json()["numbers"]) == 8
