"""Promote, rollback and undeploy from the Deployments page: POST-only, scoped to the
workspace, refusals change nothing, htmx gets the tab with the strip and toasts out of band."""

import pytest
from django.test import Client
from django.urls import reverse

from deployments.models import Deployment, Environment
from deployments.services import deployment_promote
from tests.deployments.test_services import publish_new, snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def agent(cast):
    return cast.agent()


@pytest.fixture
def pipeline(cast, agent):
    """Sandbox V1, V2 (active); Pre-release V1 (active)."""
    v1 = publish_new(cast, agent, "one")
    v2 = publish_new(cast, agent, "two")
    pre = deployment_promote(actor=cast.builder, deployment=v1)
    return {"v1": v1, "v2": v2, "pre": pre}


def promote_url(deployment):
    return reverse("deployments:promote", args=[deployment.agent_id, deployment.pk])


def rollback_url(deployment):
    return reverse("deployments:rollback", args=[deployment.agent_id, deployment.pk])


def undeploy_url(agent):
    return reverse("deployments:undeploy", args=[agent.pk])


def active(agent, environment):
    return Environment.objects.get(agent=agent, name=environment).active_deployment


def toasts(client):
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(client.get(reverse("console:dashboard")).wsgi_request)]


@pytest.mark.parametrize("view", ["promote", "rollback"])
def test_it_refuses_get(client_for, pipeline, view):
    url = reverse(f"deployments:{view}", args=[pipeline["v2"].agent_id, pipeline["v2"].pk])
    assert client_for("ops").get(url).status_code == 405


def test_it_refuses_get_on_undeploy(client_for, agent):
    assert client_for("ops").get(undeploy_url(agent)).status_code == 405


def test_it_needs_a_csrf_token(cast, agent, pipeline):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["ops"])
    before = snapshot(agent)
    response = client.post(promote_url(pipeline["v2"]), {"target": "pre-release"})
    assert response.status_code == 403
    assert snapshot(agent) == before


def test_it_is_a_404_for_another_workspace(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    from deployments.services import deployment_publish

    deployment, _ = deployment_publish(actor=cast.outsider, agent=theirs)
    client = client_for("admin")
    assert client.post(promote_url(deployment)).status_code == 404
    assert client.post(rollback_url(deployment)).status_code == 404
    assert client.post(undeploy_url(theirs)).status_code == 404
    assert Deployment.objects.filter(agent=theirs).count() == 1


def test_it_is_a_404_for_a_deployment_of_another_agent(client_for, cast, agent, pipeline):
    other = cast.agent("Other agent")
    url = reverse("deployments:promote", args=[other.pk, pipeline["v2"].pk])
    assert client_for("ops").post(url).status_code == 404


def test_a_builder_promotes_to_pre_release(client_for, cast, agent, pipeline):
    client = client_for("builder")
    response = client.post(
        promote_url(pipeline["v2"]), {"target": "pre-release", "tab": "sandbox", "message": "UAT"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('deployments:agent', args=[agent.pk])}?tab=sandbox"
    created = active(agent, "pre-release")
    assert created.version.number == 2
    assert created.message == "UAT"
    assert created.created_by == cast.users["builder"]
    history = Deployment.history.get(id=created.pk)
    assert history.history_user == cast.users["builder"]
    assert history.history_change_reason == "deployments.promote: UAT"
    assert "V2 promoted to Pre-release." in toasts(client)


def test_it_answers_htmx_with_the_tab_the_strip_and_the_toast(client_for, agent, pipeline):
    response = client_for("builder").post(
        promote_url(pipeline["v2"]), {"target": "pre-release", "tab": "sandbox"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="deployments-tab"')
    assert '<div id="agent-overview" hx-swap-oob="true">' in html
    assert 'data-testid="env-version-pre-release">V2<' in html
    assert '<div id="toasts" class="toasts" aria-live="polite" hx-swap-oob="true">' in html
    assert "V2 promoted to Pre-release." in html
    assert "<html" not in html


def test_ops_promotes_to_live_with_the_checkbox(client_for, cast, agent, pipeline):
    client = client_for("ops")
    response = client.post(
        promote_url(pipeline["pre"]),
        {"target": "live", "tab": "pre-release", "confirm": "yes", "message": "ship it"},
    )
    assert response.status_code == 302
    live = active(agent, "live")
    assert live.version.number == 1
    assert live.source == pipeline["pre"]
    assert "V1 promoted to Live." in toasts(client)


def test_it_refuses_a_promotion_to_live_without_the_checkbox(client_for, agent, pipeline):
    before = snapshot(agent)
    response = client_for("ops").post(
        promote_url(pipeline["pre"]), {"target": "live", "tab": "pre-release"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert snapshot(agent) == before
    dialog_id = f"promote-live-{pipeline['pre'].pk}"
    assert (
        f'<dialog id="{dialog_id}" class="confirm-dialog" aria-labelledby="{dialog_id}-title" open data-open-on-load>'
        in html
    )
    assert (
        f'<p class="field-error" id="{dialog_id}-confirm-error">Promoting to Live needs confirmation'
        in html
    )


def test_it_reopens_the_live_dialog_with_the_error_for_htmx(client_for, agent, pipeline):
    before = snapshot(agent)
    response = client_for("ops").post(
        promote_url(pipeline["pre"]), {"target": "live", "tab": "pre-release"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot(agent) == before
    assert "open data-open-on-load" in html
    assert "-confirm-error" in html
    assert "toast-error" in html


def test_it_refuses_a_builder_promoting_to_live_with_a_toast(client_for, agent, pipeline):
    client = client_for("builder")
    before = snapshot(agent)
    response = client.post(
        promote_url(pipeline["pre"]), {"target": "live", "tab": "pre-release", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert snapshot(agent) == before
    assert "Only ops and admins can promote to Live." in toasts(client)


def test_it_shows_a_rule_violation_as_an_error_toast(client_for, agent, pipeline):
    before = snapshot(agent)
    response = client_for("builder").post(
        promote_url(pipeline["v1"]), {"target": "pre-release", "tab": "sandbox"}, headers=HTMX
    )
    html = response.content.decode()
    assert snapshot(agent) == before
    assert "toast-error" in html
    assert "V1 is already active in Pre-release." in html


def test_it_reopens_the_dialog_when_the_message_is_too_long(client_for, agent, pipeline):
    before = snapshot(agent)
    response = client_for("ops").post(
        rollback_url(pipeline["v2"]), {"tab": "sandbox", "message": "x" * 2001}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert snapshot(agent) == before
    dialog_id = f"rollback-{pipeline['v2'].pk}"
    assert "open data-open-on-load" in html
    assert (
        f'<p class="field-error" id="{dialog_id}-message-error">Use at most 2,000 characters.'
        in html
    )
    assert ">" + "x" * 2001 + "</textarea>" in html


def test_ops_rolls_back(client_for, cast, agent, pipeline):
    client = client_for("ops")
    response = client.post(rollback_url(pipeline["v2"]), {"tab": "sandbox", "message": "bad"})
    assert response.status_code == 302
    current = active(agent, "sandbox")
    assert current.action == "rollback"
    assert current.version.number == 1
    assert Deployment.history.get(id=current.pk).history_user == cast.users["ops"]
    assert "Sandbox rolled back to V1." in toasts(client)


def test_a_builder_may_not_roll_back(client_for, agent, pipeline):
    client = client_for("builder")
    before = snapshot(agent)
    client.post(rollback_url(pipeline["v2"]), {"tab": "sandbox"})
    assert snapshot(agent) == before
    assert "Only ops and admins can do this." in toasts(client)


def test_ops_undeploys_live(client_for, cast, agent, pipeline):
    deployment_promote(actor=cast.ops, deployment=pipeline["pre"], confirmed=True)
    client = client_for("ops")
    response = client.post(
        undeploy_url(agent), {"tab": "live", "message": "incident"}, headers=HTMX
    )
    html = response.content.decode()
    assert active(agent, "live") is None
    record = Deployment.objects.filter(agent=agent, environment="live").first()
    assert record.action == "undeploy"
    assert record.message == "incident"
    assert "Live undeployed: V1 no longer receives traffic." in html
    assert 'data-testid="env-version-live">Nothing deployed<' in html


def test_a_builder_may_not_undeploy(client_for, cast, agent, pipeline):
    deployment_promote(actor=cast.ops, deployment=pipeline["pre"], confirmed=True)
    client = client_for("builder")
    before = snapshot(agent)
    client.post(undeploy_url(agent), {"tab": "live"})
    assert snapshot(agent) == before
    assert "Only ops and admins can do this." in toasts(client)


def test_undeploying_an_empty_live_is_refused(client_for, agent, pipeline):
    client = client_for("ops")
    before = snapshot(agent)
    client.post(undeploy_url(agent), {"tab": "live"})
    assert snapshot(agent) == before
    assert "Nothing is deployed in Live." in toasts(client)
