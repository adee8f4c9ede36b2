"""The draft banner and its Delete and Publish buttons."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from agentbuilder.demo import RESTAURANT
from agentbuilder.models import Agent
from agentbuilder.services import draft_save
from deployments.models import Deployment, Environment
from versions.models import Version
from versions.services import version_publish

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/deployments/"}


@pytest.fixture
def agent(cast):
    return cast.agent("Bella", document=RESTAURANT)


def edit(cast, agent, prompt="Changed prompt."):
    agent = Agent.objects.get(pk=agent.pk)
    document = {
        **agent.draft_document,
        "behaviour": {**agent.draft_document["behaviour"], "systemPrompt": prompt},
    }
    return draft_save(
        actor=cast.builder, agent=agent, document=document, base_revision=agent.draft_revision
    )


def render_banner(agent):
    return Template("{% load agent_tags %}{% agent_page_top agent %}").render(
        Context({"agent": Agent.objects.get(pk=agent.pk)})
    )


def test_the_banner_shows_before_anything_is_published(agent):
    html = render_banner(agent)
    assert "Not published yet." in html
    assert ">Publish<" in html
    assert ">Delete<" not in html  # nothing to revert to


def test_the_banner_hides_when_the_draft_matches_the_latest_version(cast, agent):
    version_publish(actor=cast.builder, agent=agent, name="First")
    html = render_banner(agent)
    assert 'id="draft-banner"' in html  # the empty target stays for out-of-band swaps
    assert "Publish" not in html


def test_the_banner_says_what_changed(cast, agent):
    version_publish(actor=cast.builder, agent=agent, name="First")
    edit(cast, agent)
    html = render_banner(agent)
    assert "1 change: prompt" in html
    assert "(since V1)" in html
    assert ">Delete<" in html
    assert "Publishing isn’t the same as going live." in html


def test_the_banner_compares_hashes_not_timestamps(cast, agent):
    version_publish(actor=cast.builder, agent=agent, name="First")
    edit(cast, agent, "Other")
    edit(cast, agent, RESTAURANT["behaviour"]["systemPrompt"])  # back to V1's content
    assert "Publish" not in render_banner(agent)


def test_the_banner_costs_one_query(cast, agent, django_assert_num_queries):
    version_publish(actor=cast.builder, agent=agent, name="First")
    agent = edit(cast, agent)
    with django_assert_num_queries(1):
        Template("{% load agent_tags %}{% agent_page_top agent %}").render(
            Context({"agent": agent})
        )


# --- Publish -------------------------------------------------------------------------


def publish_url(agent):
    return reverse("deployments:draft_publish", args=[agent.pk])


def test_publish_refuses_get(client_for, agent):
    assert client_for("builder").get(publish_url(agent)).status_code == 405


def test_publish_creates_v1_deploys_to_sandbox_and_says_so(client_for, cast, agent):
    client = client_for("builder")
    response = client.post(
        publish_url(agent), {"name": "Launch", "description": "First cut"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "http://testserver/deployments/"
    version = Version.objects.get(agent=agent)
    assert (version.number, version.name, version.description) == (1, "Launch", "First cut")
    assert version.author == cast.users["builder"]
    sandbox = Environment.objects.get(agent=agent, name="sandbox")
    assert sandbox.active_deployment.version == version
    assert version.history.get().history_change_reason == "versions.publish: V1"
    page = client.get(reverse("agentbuilder:agent_detail", args=[agent.pk]))
    assert "Published V1 “Launch” to Sandbox." in page.content.decode()


def test_publishing_an_unchanged_draft_creates_no_new_version(client_for, agent):
    client = client_for("builder")
    client.post(publish_url(agent), {"name": "Launch"}, **HTMX)
    response = client.post(publish_url(agent), {"name": "Again"}, **HTMX)
    assert response.status_code == 200
    assert Version.objects.filter(agent=agent).count() == 1
    assert Deployment.objects.filter(agent=agent).count() == 1
    page = client.get(reverse("agentbuilder:agent_detail", args=[agent.pk]))
    assert "Nothing to publish: the draft is the same as V1" in page.content.decode()


def test_publish_numbers_the_next_version(client_for, cast, agent):
    client = client_for("builder")
    client.post(publish_url(agent), {"name": "One"}, **HTMX)
    edit(cast, agent)
    client.post(publish_url(agent), {"name": "Two"}, **HTMX)
    assert list(Version.objects.filter(agent=agent).values_list("number", "name")) == [
        (2, "Two"),
        (1, "One"),
    ]


def test_publish_shows_a_too_long_name_next_to_the_field(client_for, agent):
    response = client_for("builder").post(publish_url(agent), {"name": "x" * 121}, **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith("<form")
    assert f'id="publish_{agent.pk}_name_error"' in body
    assert not Version.objects.filter(agent=agent).exists()


def test_publish_404s_for_another_workspace(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    response = client_for("builder").post(publish_url(theirs), {"name": "x"}, **HTMX)
    assert response.status_code == 404
    assert not Version.objects.filter(agent=theirs).exists()


def test_publish_without_htmx_redirects_back_to_the_agent(client_for, agent):
    response = client_for("ops").post(publish_url(agent), {"name": "Plain"})
    assert response.status_code == 302
    assert response["Location"] == reverse("agentbuilder:agent_detail", args=[agent.pk])
    assert Version.objects.filter(agent=agent, name="Plain").exists()


def test_publish_ignores_a_next_url_on_another_host(client_for, agent):
    response = client_for("ops").post(
        publish_url(agent), {"name": "x", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("agentbuilder:agent_detail", args=[agent.pk])


# --- Delete (discard) ----------------------------------------------------------------


def discard_url(agent):
    return reverse("versions:draft_discard", args=[agent.pk])


def test_delete_refuses_get(client_for, agent):
    assert client_for("builder").get(discard_url(agent)).status_code == 405


def test_delete_reverts_the_draft_to_the_latest_version(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent, name="First")
    edit(cast, agent)
    client = client_for("builder")
    response = client.post(discard_url(agent), **HTMX)
    assert response.status_code == 200
    assert "HX-Redirect" in response
    saved = Agent.objects.get(pk=agent.pk)
    assert saved.draft_document == Version.objects.get(agent=agent).document
    history = Agent.history.filter(id=agent.pk).order_by("-history_id").first()
    assert history.history_change_reason == "drafts.discard: to V1"
    assert history.history_user == cast.users["builder"]


def test_delete_without_a_version_says_why(client_for, agent):
    client = client_for("builder")
    client.post(discard_url(agent), **HTMX)
    page = client.get(reverse("agentbuilder:agent_detail", args=[agent.pk]))
    assert "Nothing has been published yet" in page.content.decode()
    assert Agent.history.filter(id=agent.pk).count() == 1


def test_delete_404s_for_another_workspace(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    assert client_for("builder").post(discard_url(theirs), **HTMX).status_code == 404


# --- Both refuse when a colleague saved after the banner was shown --------------------


def test_publish_refuses_a_draft_that_moved_on_since_the_banner_was_shown(client_for, cast, agent):
    shown_revision = Agent.objects.get(pk=agent.pk).draft_revision
    edit(cast, agent, "A colleague's change")
    response = client_for("builder").post(
        publish_url(agent), {"name": "Launch", "base_revision": shown_revision}, **HTMX
    )
    assert response.status_code == 200
    assert "reload to see their change" in response.content.decode()
    assert not Version.objects.filter(agent=agent).exists()
    assert not Deployment.objects.filter(agent=agent).exists()


def test_the_banner_publish_form_carries_the_current_revision(cast, agent):
    edit(cast, agent)
    revision = Agent.objects.get(pk=agent.pk).draft_revision
    assert f'name="base_revision" value="{revision}"' in render_banner(agent)


def test_delete_refuses_when_a_colleague_saved_since(client_for, cast, agent):
    version_publish(actor=cast.builder, agent=agent, name="First")
    shown_revision = edit(cast, agent).draft_revision
    colleague = edit(cast, agent, "A colleague's newer change")
    client_for("builder").post(discard_url(agent), {"base_revision": shown_revision}, **HTMX)
    saved = Agent.objects.get(pk=agent.pk)
    assert saved.draft_revision == colleague.draft_revision
    assert saved.draft_document["behaviour"]["systemPrompt"] == "A colleague's newer change"
