"""The Deployments pages: the workspace overview and one agent's environment tabs."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deployments.models import Deployment, DeploymentAction, Environment
from deployments.services import deployment_promote, deployment_publish, deployment_undeploy
from tests.deployments.test_services import publish_new

pytestmark = pytest.mark.django_db


def page_url(agent, tab=None, page=None):
    url = reverse("deployments:agent", args=[agent.pk])
    query = "&".join(f"{k}={v}" for k, v in (("tab", tab), ("page", page)) if v)
    return f"{url}?{query}" if query else url


@pytest.fixture
def agent(cast):
    return cast.agent()


@pytest.fixture
def pipeline(cast, agent):
    """Sandbox V1, V2 (active); Pre-release V1; Live nothing."""
    v1 = publish_new(cast, agent, "one", message="first cut")
    v2 = publish_new(cast, agent, "two", message="second cut")
    pre = deployment_promote(actor=cast.builder, deployment=v1, message="to UAT")
    return {"v1": v1, "v2": v2, "pre": pre}


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-testid="deployment-row".*?</tr>', html, re.S)


def test_it_redirects_anonymous_users_to_login(client, agent):
    response = client.get(page_url(agent))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_is_a_404_for_another_workspace_agent(client_for, cast):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    assert client_for("builder").get(page_url(theirs)).status_code == 404


def test_it_refuses_post_on_the_page(client_for, agent):
    assert client_for("ops").post(page_url(agent)).status_code == 405


def test_it_lists_the_sandbox_tab_newest_first_with_the_active_badge(client_for, agent, pipeline):
    response = client_for("builder").get(page_url(agent))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-selected="true" aria-controls="tab-panel">Sandbox</a>' in html
    listed = rows(html)
    assert [re.search(r'data-version="(\d+)"', r).group(1) for r in listed] == ["2", "1"]
    assert "Active</span>" in listed[0]
    assert "Active</span>" not in listed[1]
    assert "second cut" in listed[0]
    assert "Publish" in listed[0]
    assert ">builder<" in listed[0]
    assert "just now" in listed[0]
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d", listed[0])


def test_it_keeps_the_tab_in_the_url(client_for, agent, pipeline):
    html = client_for("builder").get(page_url(agent, "pre-release")).content.decode()
    assert 'aria-selected="true" aria-controls="tab-panel">Pre-release</a>' in html
    listed = rows(html)
    assert len(listed) == 1
    assert "Promote" in listed[0]
    assert "from Sandbox" in listed[0]
    assert 'hx-push-url="true"' in html


def test_it_falls_back_to_sandbox_for_an_unknown_tab(client_for, agent, pipeline):
    html = client_for("builder").get(page_url(agent, "prod")).content.decode()
    assert 'aria-selected="true" aria-controls="tab-panel">Sandbox</a>' in html


def test_it_returns_only_the_tab_partial_to_htmx(client_for, agent, pipeline):
    response = client_for("builder").get(page_url(agent, "live"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="deployments-tab"')
    assert "<html" not in html
    assert "No deployments in Live yet." in html


def test_it_shows_the_overview_strip(client_for, agent, pipeline):
    html = client_for("builder").get(page_url(agent)).content.decode()
    assert 'id="agent-overview"' in html
    assert re.search(r'data-testid="env-version-sandbox">V2<', html)
    assert re.search(r'data-testid="env-version-pre-release">V1<', html)
    assert re.search(r'data-testid="env-version-live">Nothing deployed<', html)


def test_it_hides_promote_to_live_from_builders(client_for, agent, pipeline):
    html = client_for("builder").get(page_url(agent)).content.decode()
    assert "Promote to Live" not in html
    assert "Promote to Pre-release" in html


def test_it_disables_rollback_for_builders_with_the_reason(client_for, agent, pipeline):
    html = client_for("builder").get(page_url(agent)).content.decode()
    match = re.search(
        r'<button type="button" role="menuitem" aria-disabled="true" '
        r'title="Only ops and admins can do this." aria-describedby="([^"]+)">Rollback</button>',
        html,
    )
    assert match
    assert f'<span id="{match.group(1)}" class="disabled-reason">Only ops and admins' in html
    assert 'data-open-dialog="rollback-' not in html


def test_it_offers_ops_promote_to_live_and_rollback(client_for, agent, pipeline):
    html = client_for("ops").get(page_url(agent)).content.decode()
    v2 = pipeline["v2"]
    assert f'data-open-dialog="promote-live-{v2.pk}">Promote to Live' in html
    assert f'data-open-dialog="rollback-{v2.pk}">Rollback' in html
    assert f'<dialog id="promote-live-{v2.pk}"' in html
    assert "I understand and wish to continue" in html
    assert "live customer traffic" in html
    assert re.search(rf'id="promote-live-{v2.pk}-submit" disabled>Promote<', html)


def test_it_disables_promoting_a_version_already_active_there(client_for, agent, pipeline):
    html = client_for("ops").get(page_url(agent)).content.decode()
    assert 'title="V1 is already active in Pre-release."' in html


def test_it_disables_rollback_without_an_earlier_version(client_for, cast, agent):
    deployment_publish(actor=cast.builder, agent=agent)
    html = client_for("ops").get(page_url(agent)).content.decode()
    assert "Nothing to roll back to: no earlier version was active in Sandbox." in html


def test_it_offers_no_actions_on_an_undeploy_record(client_for, cast, agent, pipeline):
    deployment_undeploy(actor=cast.ops, agent=agent, environment="pre-release")
    html = client_for("ops").get(page_url(agent, "pre-release")).content.decode()
    undeploy_row = next(
        row
        for row in html.split('data-testid="deployment-row"')[1:]
        if "Undeploy" in row.split("</tr>")[0]
    ).split("</tr>")[0]
    assert "View version" in undeploy_row
    assert "Rollback" not in undeploy_row and "Promote to" not in undeploy_row
    assert "Nothing is deployed in Pre-release." in html


def test_it_offers_undeploy_on_live_to_ops_only(client_for, cast, agent, pipeline):
    deployment_promote(actor=cast.ops, deployment=pipeline["pre"], confirmed=True)
    ops_html = client_for("ops").get(page_url(agent, "live")).content.decode()
    assert 'data-open-dialog="undeploy-dialog">Undeploy</button>' in ops_html
    assert '<dialog id="undeploy-dialog"' in ops_html
    builder_html = client_for("builder").get(page_url(agent, "live")).content.decode()
    assert 'aria-disabled="true" title="Only ops and admins can do this."' in builder_html
    assert '<dialog id="undeploy-dialog"' not in builder_html


def test_it_paginates_25_a_page(client_for, cast, agent):
    make_deployments(cast, agent, 30)
    html = client_for("builder").get(page_url(agent, page=2)).content.decode()
    assert len(rows(html)) == 5
    assert "Page 2 of 2" in html
    assert "tab=sandbox&amp;page=1" in html
    first = client_for("builder").get(page_url(agent)).content.decode()
    assert len(rows(first)) == 25
    assert 'data-version="30"' in rows(first)[0]


def make_deployments(cast, agent, count: int):
    """`count` sandbox records V1..Vn fast (bulk_create is fine for fixtures)."""
    from versions.models import Version

    user = cast.users["builder"]
    versions = Version.objects.bulk_create(
        Version(
            agent=agent,
            number=n,
            name=f"Version {n}",
            author=user,
            document=agent.draft_document,
            sha256=agent.draft_sha256,
        )
        for n in range(1, count + 1)
    )
    deployments = Deployment.objects.bulk_create(
        Deployment(
            agent=agent,
            environment="sandbox",
            sequence=n,
            version=version,
            action=DeploymentAction.PUBLISH,
            message=f"Deployment {n}",
            created_by=user,
        )
        for n, version in enumerate(versions, start=1)
    )
    environment = Environment.objects.get(agent=agent, name="sandbox")
    environment.active_deployment = deployments[-1]
    environment.save()
    return deployments


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["builder", "ops"])
def test_it_renders_10000_deployments_with_as_many_queries_as_10(client_for, cast, role):
    small = cast.agent("Small")
    large = cast.agent("Large")
    make_deployments(cast, small, 10)
    make_deployments(cast, large, 10_000)
    client = client_for(role)
    client.get(page_url(small))  # warm the session and content types
    small_count = count_queries(client, page_url(small))
    assert count_queries(client, page_url(large)) == small_count
    assert count_queries(client, page_url(large, page=200)) == small_count
    assert small_count <= 10


def test_it_renders_the_htmx_tab_in_a_constant_number_of_queries(
    client_for, cast, agent, django_assert_max_num_queries
):
    make_deployments(cast, agent, 60)
    client = client_for("ops")
    with django_assert_max_num_queries(8):
        client.get(page_url(agent, page=2), headers={"HX-Request": "true"})


# --- the workspace overview ----------------------------------------------------------------


def test_the_index_lists_the_workspace_agents_with_links_and_strip(client_for, cast, pipeline):
    theirs = cast.agent("Theirs", workspace=cast.other_workspace)
    response = client_for("builder").get(reverse("deployments:index"))
    html = response.content.decode()
    agent = pipeline["v1"].agent
    assert f'href="{reverse("deployments:agent", args=[agent.pk])}"' in html
    assert f"{reverse('deployments:agent', args=[agent.pk])}?tab=pre-release" in html
    assert 'data-testid="env-strip"' in html
    assert "Theirs" not in html
    assert str(theirs.pk) not in html


def test_the_index_renders_in_a_constant_number_of_queries(client_for, cast):
    client = client_for("builder")
    for n in range(3):
        publish_new(cast, cast.agent(f"Agent {n}"), "x")
    three = count_queries(client, reverse("deployments:index"))
    for n in range(3, 8):
        publish_new(cast, cast.agent(f"Agent {n}"), "x")
    assert count_queries(client, reverse("deployments:index")) == three


def test_it_varies_on_hx_request_and_restores_history_with_the_full_page(client_for, agent):
    client = client_for("builder")
    response = client.get(page_url(agent, "live"), headers=HTMX_HEADERS)
    assert "HX-Request" in response["Vary"]
    restore = client.get(
        page_url(agent, "live"),
        headers={**HTMX_HEADERS, "HX-History-Restore-Request": "true"},
    )
    assert b"<html" in restore.content


HTMX_HEADERS = {"HX-Request": "true"}
