import pytest

from api.services import api_key_create

pytestmark = pytest.mark.django_db


def test_it_lists_the_key_workspace_agents(client, cast):
    cast.agent("Ours")
    cast.agent("Theirs", workspace=cast.other_workspace)
    _, raw_key = api_key_create(actor=None, workspace=cast.workspace, name="ci")
    response = client.get("/v1/agents", headers={"x-api-key": raw_key})
    assert response.status_code == 200
    assert [a["name"] for a in response.json()["agents"]] == ["Ours"]


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "arc_nope_nope"}])
def test_it_answers_401_in_the_error_envelope(client, cast, headers):
    response = client.get("/v1/agents", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthorized", "message": "A valid x-api-key header is required."}
    }
