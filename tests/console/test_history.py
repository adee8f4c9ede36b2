"""The project history: every change in the workspace, newest first."""

import pytest
from django.urls import reverse

from agentbuilder.demo import RESTAURANT
from agentbuilder.models import AuthType, Connection
from deployments.services import deployment_publish
from tests.versions.test_views import edit, publish_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(cast):
    return cast.agent("Bella", document=RESTAURANT)


def test_history_lists_every_kind_of_change_newest_first(client_for, cast, agent):
    agent = edit(cast, agent, "Edited")
    deployment_publish(actor=cast.builder, agent=agent, message="first release", version_name="One")
    Connection.objects.create(
        workspace=cast.workspace,
        key="crm",
        display_name="CRM",
        auth_type=AuthType.BEARER,
        secret="sk-never-shown",
    )
    cast.agent("Theirs", workspace=cast.other_workspace)
    response = client_for("builder").get(reverse("console:history"))
    body = response.content.decode()
    assert response.status_code == 200
    for label in ("Agent created", "Draft saved", "Version published", "Published"):
        assert label in body
    assert "first release" in body
    assert "sk-never-shown" not in body
    assert "Theirs" not in body
    assert body.index("Connection added") < body.index("Version published")
    assert body.index("Draft saved") < body.index("Agent created")
    assert reverse("versions:version_detail", args=[agent.pk, 1]) in body


def test_history_filters_by_agent(client_for, cast, agent):
    other = cast.agent("Other agent")
    response = client_for("builder").get(reverse("console:history") + f"?agent={agent.pk}")
    body = response.content.decode()
    assert body.count('data-kind="agent"') == 1
    assert f'href="{reverse("agentbuilder:agent_detail", args=[other.pk])}"' not in body


def test_history_404s_for_another_workspaces_agent_filter(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    client = client_for("builder")
    assert client.get(reverse("console:history") + f"?agent={theirs.pk}").status_code == 404
    assert client.get(reverse("console:history") + "?agent=nope").status_code == 404


def test_history_paginates_with_a_constant_number_of_queries(
    client_for, cast, agent, django_assert_num_queries
):
    client = client_for("builder")
    client.get(reverse("console:history"))
    publish_versions(cast, agent, 2)
    with django_assert_num_queries(8) as small:
        client.get(reverse("console:history"))
    publish_versions(cast, agent, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("console:history"))
    assert "Page 1 of 2" in response.content.decode()
    second = client.get(reverse("console:history") + "?page=2").content.decode()
    assert "Agent created" in second  # the oldest entry is on the last page


def test_history_names_the_member_and_role(client_for, cast):
    response = client_for("admin").get(reverse("console:history"))
    body = response.content.decode()
    assert "Member added" in body
    assert "ops as ops" in body


def test_project_history_shows_number_changes(client_for, cast):
    from telephony.services import number_assign, number_create

    agent = cast.agent("Routed")
    phone_number = number_create(
        actor=cast.admin, workspace=cast.workspace, number="+44 20 7946 0002", label="Main"
    )
    number_assign(
        actor=cast.admin, phone_number=phone_number, agent=agent, variants=[{"target": "live"}]
    )
    html = client_for("builder").get(reverse("console:history")).content.decode()
    assert "Number +442079460002" in html
    assert "Number assignment changed" in html
    filtered = client_for("builder").get(reverse("console:history") + f"?agent={agent.pk}")
    assert "Number assignment changed" in filtered.content.decode()
