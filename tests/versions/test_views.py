"""Version history, a read-only version, restore, and the project history page."""

import pytest
from django.urls import reverse

from agentbuilder.demo import RESTAURANT
from agentbuilder.models import Agent
from agentbuilder.services import draft_save
from versions.models import Version
from versions.services import version_publish
from versions.views import RESTORE_WARNING

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent(cast):
    return cast.agent("Bella", document=RESTAURANT)


def edit(cast, agent, prompt):
    agent = Agent.objects.get(pk=agent.pk)
    document = {**agent.draft_document, "behaviour": {"systemPrompt": prompt}}
    return draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


def publish_versions(cast, agent, count):
    for n in range(count):
        edit(cast, agent, f"Prompt {n}")
        version_publish(actor=cast.builder, agent=agent, name=f"Release {n + 1}")


def versions_url(agent, **params):
    url = reverse("versions:agent_versions", args=[agent.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


# --- Version history -----------------------------------------------------------------


def test_it_lists_the_draft_then_versions_newest_first(client_for, cast, agent):
    publish_versions(cast, agent, 3)
    response = client_for("builder").get(versions_url(agent))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index('data-testid="draft-row"') < body.index("version-row-3")
    assert body.index("version-row-3") < body.index("version-row-2") < body.index("version-row-1")
    assert "Release 3" in body
    assert RESTORE_WARNING in body


def test_it_paginates_versions_with_a_constant_number_of_queries(
    client_for, cast, agent, django_assert_max_num_queries
):
    publish_versions(cast, agent, 27)
    client = client_for("builder")
    with django_assert_max_num_queries(9):
        first = client.get(versions_url(agent)).content.decode()
    assert "version-row-27" in first
    assert 'version-row-3"' in first
    assert 'version-row-2"' not in first
    second = client.get(versions_url(agent, page=2), **HTMX).content.decode()
    assert "<html" not in second
    assert 'version-row-2"' in second
    assert 'version-row-1"' in second
    assert "draft-row" not in second


def test_the_version_list_404s_for_another_workspace(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    assert client_for("builder").get(versions_url(theirs)).status_code == 404


def test_it_shows_a_version_read_only(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent, name="Launch", description="First cut")
    edit(cast, agent, "Changed since")
    response = client_for("builder").get(reverse("versions:version_detail", args=[agent.pk, 1]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "V1 Launch" in body
    assert "First cut" in body
    assert "Bella Tavola" in body  # V1's prompt, not the draft's
    assert "Changed since" not in body.split('id="draft-banner"')[1].split("</dialog>")[-1]
    readonly = body.split('class="panel readonly-section"', 1)[1]
    assert "<textarea" not in readonly
    assert "<input" not in readonly
    assert (
        client_for("builder")
        .get(reverse("versions:version_detail", args=[agent.pk, 9]))
        .status_code
        == 404
    )


# --- Restore -------------------------------------------------------------------------


def restore_url(agent, number):
    return reverse("versions:version_restore", args=[agent.pk, number])


def test_restore_refuses_get(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent)
    assert client_for("builder").get(restore_url(agent, 1)).status_code == 405


def test_restore_overwrites_the_draft_and_writes_history(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent, name="One")
    agent = edit(cast, agent, "Two")
    version_publish(actor=cast.builder, agent=agent, name="Two")
    response = client_for("builder").post(
        restore_url(agent, 1), {"base_revision": agent.draft_revision}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("agentbuilder:agent_detail", args=[agent.pk])
    saved = Agent.objects.get(pk=agent.pk)
    assert saved.draft_document == Version.objects.get(agent=agent, number=1).document
    history = Agent.history.filter(id=agent.pk).order_by("-history_id").first()
    assert history.history_change_reason == "versions.restore: V1"
    assert history.history_user == cast.users["builder"]
    assert Version.objects.filter(agent=agent).count() == 2  # restore publishes nothing


def test_restore_answers_htmx_with_a_client_redirect(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "Later")
    response = client_for("builder").post(
        restore_url(agent, 1), {"base_revision": agent.draft_revision}, **HTMX
    )
    assert response["HX-Redirect"] == reverse("agentbuilder:agent_detail", args=[agent.pk])


def test_restore_refuses_a_stale_revision(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "Seen by builder")
    seen = agent.draft_revision
    edit(cast, agent, "Newer, by someone else")
    client = client_for("builder")
    response = client.post(restore_url(agent, 1), {"base_revision": seen})
    assert response["Location"] == versions_url(agent)
    assert Agent.objects.get(pk=agent.pk).draft_document["behaviour"]["systemPrompt"] == (
        "Newer, by someone else"
    )
    page = client.get(versions_url(agent)).content.decode()
    assert "reload to see their change" in page


def test_restore_without_a_revision_changes_nothing(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "Keep me")
    client_for("builder").post(restore_url(agent, 1), {})
    assert Agent.objects.get(pk=agent.pk).draft_document["behaviour"]["systemPrompt"] == "Keep me"


def test_restore_404s_for_another_workspace(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    version_publish(actor=cast.outsider, agent=theirs)
    response = client_for("builder").post(restore_url(theirs, 1), {"base_revision": 1})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["builder", "ops", "admin"])
def test_every_role_may_restore(client_for, cast, agent, role):
    version_publish(actor=cast.builder, agent=agent)
    agent = edit(cast, agent, "Later")
    client_for(role).post(restore_url(agent, 1), {"base_revision": agent.draft_revision})
    assert Agent.objects.get(pk=agent.pk).draft_sha256 == Version.objects.get(agent=agent).sha256
